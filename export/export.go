// Package export turns a topology into a lab of real routers: FRR
// configurations for every node and a containerlab topology that wires them
// up the way the simulator does.
//
// The routers get the simulator's loopbacks, interface names and addresses,
// IS-IS with the file's metrics, LDP (implicit or explicit null as php
// says), iBGP VPNv4 to the route reflectors or in a full mesh, one VRF
// device and one `router bgp ASN vrf NAME` per VRF on each PE, and static
// routes or eBGP toward each CE. What FRR does differently from the
// simulator (label values above all) is listed in docs/real-lab.md.
//
// Every file is a pure function of the topology and the options: the same
// topology gives the same bytes.
package export

import (
	"cmp"
	"io/fs"
	"regexp"
	"slices"
	"strconv"

	"github.com/vpnsim/vpnsim/internal/diag"
	"github.com/vpnsim/vpnsim/topologies"
)

// The image containerlab runs for every node when Options leave it out.
const (
	DefaultImage = "frrouting/frr"
	DefaultTag   = "v8.4.1"
)

// Options choose the container image of a containerlab export. FRR ignores
// them.
type Options struct {
	Image string // repository, DefaultImage when empty
	Tag   string // tag, DefaultTag when empty
}

// image returns "REPOSITORY:TAG" with the defaults filled in.
func (o Options) image() string {
	return cmp.Or(o.Image, DefaultImage) + ":" + cmp.Or(o.Tag, DefaultTag)
}

// File is one file of an export.
type File struct {
	Path string      // slash-separated, relative to the export's directory
	Data []byte      // the whole content
	Mode fs.FileMode // permission bits: 0o755 for a script, 0o644 otherwise
}

// Files is an export: every file, sorted by path.
type Files []File

// The files written for every router, in the router's own directory.
const (
	FRRConf = "frr.conf" // the integrated FRR configuration
	Daemons = "daemons"  // which FRR daemons run
	Setup   = "setup.sh" // the kernel settings FRR does not make
)

// FRR returns the configurations of every router of t: for each node a
// directory NODE/ with frr.conf, daemons and setup.sh. An error (a
// *diag.List) names every interface or VRF name the Linux kernel would
// refuse, with its place in the topology file.
func FRR(t *topologies.Topology, opts Options) (Files, error) {
	if err := check(t); err != nil {
		return nil, err
	}
	var files Files
	for _, n := range t.Nodes {
		if !exported(n) {
			continue
		}
		r := newRouter(t, n)
		files = append(files,
			File{Path: n.Name + "/" + FRRConf, Data: r.frrConf(), Mode: 0o644},
			File{Path: n.Name + "/" + Daemons, Data: r.daemons(), Mode: 0o644},
			File{Path: n.Name + "/" + Setup, Data: r.setupScript(), Mode: 0o755},
		)
	}
	slices.SortFunc(files, func(a, b File) int { return cmp.Compare(a.Path, b.Path) })
	return files, nil
}

// Containerlab returns FRR's files and the containerlab topology
// NAME.clab.yml that runs them, one linux node per router with the image of
// opts. Errors are as for FRR.
func Containerlab(t *topologies.Topology, opts Options) (Files, error) {
	files, err := FRR(t, opts)
	if err != nil {
		return nil, err
	}
	data, err := clab(t, opts)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Path: ClabFile(t), Data: data, Mode: 0o644})
	slices.SortFunc(files, func(a, b File) int { return cmp.Compare(a.Path, b.Path) })
	return files, nil
}

// ClabFile is the name of t's containerlab topology file.
func ClabFile(t *topologies.Topology) string { return t.Name + ".clab.yml" }

// linuxName is what an interface or VRF device may be called here: the
// kernel allows 15 bytes, and containerlab's NODE:IF and sysctl's dotted
// paths leave out ':', '/' and '.'.
var linuxName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,15}$`)

// check reports every name of t that cannot become a Linux device name in
// a lab.
func check(t *topologies.Topology) error {
	var l diag.List
	for _, lk := range t.Links {
		for _, i := range []*topologies.Interface{lk.A, lk.B} {
			switch {
			case i.Name == "eth0":
				l.Errorf(t.File, lk.Pos.Line, lk.Pos.Column,
					"%s: eth0 is containerlab's management interface; name this interface eth1 or higher, or leave the name out", i)
			case i.Name == "lo":
				l.Errorf(t.File, lk.Pos.Line, lk.Pos.Column,
					"%s: lo is the loopback; give this link's interface another name, or leave the name out", i)
			case !linuxName.MatchString(i.Name):
				l.Errorf(t.File, lk.Pos.Line, lk.Pos.Column,
					"%s: %q cannot be a Linux interface name in a lab (at most 15 letters, digits, - and _); rename it, e.g. %s:%s, or leave the name out",
					i, i.Name, i.Node.Name, freeEth(i.Node))
			}
		}
	}
	for _, v := range t.VRFs {
		if !linuxName.MatchString(v.Name) {
			l.Errorf(t.File, v.Pos.Line, v.Pos.Column,
				"VRF %s: a lab makes every VRF a Linux VRF device of the same name, and %q is longer than 15 characters; shorten it", v.Name, v.Name)
			continue
		}
		if v.Name == "lo" || v.Name == "eth0" {
			l.Errorf(t.File, v.Pos.Line, v.Pos.Column,
				"VRF %s: a lab makes every VRF a Linux device of the same name, and every router already has a device called %s; rename the VRF", v.Name, v.Name)
			continue
		}
		for _, n := range t.Nodes {
			if n.Role == topologies.RolePE && n.HasVRF(v.Name) && slices.ContainsFunc(n.Interfaces, func(i *topologies.Interface) bool { return i.Name == v.Name }) {
				l.Errorf(t.File, v.Pos.Line, v.Pos.Column,
					"VRF %s: a lab makes every VRF a Linux device of the same name, and %s already has a device called %s; rename the VRF", v.Name, n.Name, v.Name)
			}
		}
	}
	return l.Err()
}

// freeEth returns the first name ethN, N from 1, that no interface of n has.
func freeEth(n *topologies.Node) string {
	for k := 1; ; k++ {
		name := "eth" + strconv.Itoa(k)
		if !slices.ContainsFunc(n.Interfaces, func(i *topologies.Interface) bool { return i.Name == name }) {
			return name
		}
	}
}

// comment returns s as the text of a one-line comment: without line breaks.
func comment(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '\n' || c == '\r' {
			b[i] = ' '
		}
	}
	return string(b)
}
