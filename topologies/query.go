package topologies

import "slices"

// VRFs returns the names of the VRFs the node's links are bound to, in link
// order without repeats: a PE's VRFs, or the VRFs a CE is attached in. A P
// or RR router has none.
func (n *Node) VRFs() []string {
	var names []string
	for _, i := range n.Interfaces {
		if v := i.Link.VRF; v != "" && !slices.Contains(names, v) {
			names = append(names, v)
		}
	}
	return names
}

// HasVRF reports whether the node has a link bound to the named VRF.
func (n *Node) HasVRF(name string) bool { return slices.Contains(n.VRFs(), name) }

// NodeNames returns the names of the nodes in file order.
func (t *Topology) NodeNames() []string {
	names := make([]string, len(t.Nodes))
	for i, n := range t.Nodes {
		names[i] = n.Name
	}
	return names
}

// VRFNames returns the names of the VRFs in file order.
func (t *Topology) VRFNames() []string {
	names := make([]string, len(t.VRFs))
	for i, v := range t.VRFs {
		names[i] = v.Name
	}
	return names
}
