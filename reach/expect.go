package reach

import (
	"fmt"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/vpnsim/vpnsim/internal/diag"
)

// Expect is an expect file (docs/spec/expect.md): for each customer, the
// other customers its sites may reach. A customer's sites may always
// reach each other; any other pair is a difference.
type Expect struct {
	File  string
	Reach map[string][]string
	// Customers groups VRFs into one customer (key customers: NAME:
	// [VRF, ...]), e.g. a hub-and-spoke VPN's hub and spoke VRFs.
	Customers map[string][]string
	line      map[string]int // the line of each customer's key
	// mentions are the customers reach names, in file order, with places
	mentions []mention
}

type mention struct {
	name      string
	line, col int
}

// ParseExpect reads an expect file.
func ParseExpect(file string, data []byte) (*Expect, error) {
	var l diag.List
	e := &Expect{File: file, Reach: map[string][]string{}, Customers: map[string][]string{}, line: map[string]int{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		l.Errorf(file, 1, 1, "not YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil, l.Err()
	}
	if len(doc.Content) == 0 {
		l.Errorf(file, 1, 1, "empty: write reach: with each customer and the customers it may reach")
		return nil, l.Err()
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		l.Errorf(file, root.Line, root.Column, "expected a mapping with the key reach")
		return nil, l.Err()
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value == "customers" {
			e.decodeCustomers(&l, v)
			continue
		}
		if k.Value != "reach" {
			l.Errorf(file, k.Line, k.Column, "unknown key %q: the keys are reach and customers", k.Value)
			continue
		}
		if v.Kind != yaml.MappingNode {
			l.Errorf(file, v.Line, v.Column, "reach: a mapping of customer: [customers it may reach]")
			continue
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			c, list := v.Content[j], v.Content[j+1]
			if list.Kind != yaml.SequenceNode {
				l.Errorf(file, list.Line, list.Column, "reach: %s: a list of customers, e.g. [%s]", c.Value, "SHARED")
				continue
			}
			if _, dup := e.line[c.Value]; dup {
				l.Errorf(file, c.Line, c.Column, "reach: %s is given twice (line %d)", c.Value, e.line[c.Value])
				continue
			}
			e.line[c.Value] = c.Line
			e.mentions = append(e.mentions, mention{c.Value, c.Line, c.Column})
			to := []string{}
			for _, x := range list.Content {
				if x.Kind != yaml.ScalarNode {
					l.Errorf(file, x.Line, x.Column, "reach: %s: a customer's name", c.Value)
					continue
				}
				to = append(to, x.Value)
				e.mentions = append(e.mentions, mention{x.Value, x.Line, x.Column})
			}
			e.Reach[c.Value] = to
		}
	}
	return e, l.Err()
}

// Check reports the customers and VRFs the file names that the network
// does not have (as errors at their lines).
func (e *Expect) Check(customers, vrfs []string) error {
	var l diag.List
	names := make([]string, 0, len(e.Customers))
	for c := range e.Customers {
		names = append(names, c)
	}
	slices.Sort(names)
	for _, c := range names {
		for _, v := range e.Customers[c] {
			if !slices.Contains(vrfs, v) {
				l.Errorf(e.File, e.line["customers:"+c], 1, "customers: %s: no VRF %s in the network (its VRFs: %s)", c, v, strings.Join(vrfs, ", "))
			}
		}
	}
	told := map[string]bool{}
	for _, m := range e.mentions {
		if !slices.Contains(customers, m.name) && !told[m.name] {
			told[m.name] = true
			l.Errorf(e.File, m.line, m.col, "no customer %s in the network (its customers: %s)", m.name, strings.Join(customers, ", "))
		}
	}
	return l.Err()
}

// Diff lists every difference between the report and the file, sorted, and
// marks the leaks the file allows as Expected: a
// customer reaching one it may not (with a site pair as the example), a
// customer that may reach another but none of whose sites does, a site
// that reaches none of its customer's other sites or that none of them
// reaches.
func Diff(r *Report, e *Expect) []string {
	for i := range r.Leaks {
		lk := &r.Leaks[i]
		lk.Expected = slices.Contains(e.Reach[lk.FromCustomer], lk.ToCustomer)
	}
	got := r.Reaches()
	sites := map[string]int{}
	for _, s := range r.Sites {
		sites[s.Customer]++
	}
	var out []string
	for _, a := range r.Customers {
		for _, b := range r.Customers {
			want := a == b && sites[a] > 1 || slices.Contains(e.Reach[a], b)
			have := got[[2]string{a, b}]
			switch {
			case have && !want:
				ex := ""
				for _, p := range r.Pairs {
					if p.Reached && r.customer(p.From) == a && r.customer(p.To) == b {
						ex = fmt.Sprintf(" (%s reaches %s)", p.From, p.To)
						break
					}
				}
				out = append(out, fmt.Sprintf("%s reaches %s%s: the expect file does not allow it", a, b, ex))
			case want && !have && a != b:
				out = append(out, fmt.Sprintf("%s may reach %s, but none of its sites does", a, b))
			case a == b && sites[a] > 1:
				out = append(out, r.ownSites(a)...)
			}
		}
	}
	return out
}

// ownSites lists the sites of customer c that reach none of c's other
// sites, or that none of them reaches: a customer's sites need not all
// reach each other (a hub-and-spoke VPN's spokes reach only the hub) but
// each reaches, and is reached by, at least one.
func (r *Report) ownSites(c string) []string {
	out_, in := map[string]bool{}, map[string]bool{}
	for _, p := range r.Pairs {
		if p.Reached && r.customer(p.From) == c && r.customer(p.To) == c {
			out_[p.From], in[p.To] = true, true
		}
	}
	var out []string
	for _, s := range r.Sites {
		if s.Customer != c {
			continue
		}
		if !out_[s.Name] {
			out = append(out, fmt.Sprintf("%s: %s reaches none of %s's other sites", c, s.Name, c))
		}
		if !in[s.Name] {
			out = append(out, fmt.Sprintf("%s: none of %s's other sites reaches %s", c, c, s.Name))
		}
	}
	return out
}

func (r *Report) customer(site string) string {
	for _, s := range r.Sites {
		if s.Name == site {
			return s.Customer
		}
	}
	return ""
}

// decodeCustomers reads customers: {NAME: [VRF, ...]}.
func (e *Expect) decodeCustomers(l *diag.List, v *yaml.Node) {
	if v.Kind != yaml.MappingNode {
		l.Errorf(e.File, v.Line, v.Column, "customers: a mapping of customer: [its VRFs]")
		return
	}
	seen := map[string]int{}
	for j := 0; j+1 < len(v.Content); j += 2 {
		c, list := v.Content[j], v.Content[j+1]
		if list.Kind != yaml.SequenceNode {
			l.Errorf(e.File, list.Line, list.Column, "customers: %s: a list of VRF names, e.g. [HUB, SPOKE]", c.Value)
			continue
		}
		for _, x := range list.Content {
			if x.Kind != yaml.ScalarNode {
				l.Errorf(e.File, x.Line, x.Column, "customers: %s: a VRF's name", c.Value)
				continue
			}
			if line, dup := seen[x.Value]; dup {
				l.Errorf(e.File, x.Line, x.Column, "customers: VRF %s already belongs to a customer (line %d)", x.Value, line)
				continue
			}
			seen[x.Value] = x.Line
			e.line["customers:"+c.Value] = c.Line
			e.Customers[c.Value] = append(e.Customers[c.Value], x.Value)
		}
	}
}

// Groups is the VRF-to-customer map of the customers key (nil without an
// expect file).
func (e *Expect) Groups() map[string]string {
	if e == nil {
		return nil
	}
	out := map[string]string{}
	for c, vrfs := range e.Customers {
		for _, v := range vrfs {
			out[v] = c
		}
	}
	return out
}
