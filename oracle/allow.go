package oracle

import (
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// allowYAML is the reviewed allow-list: the differences between FRR and
// vpnsim that are known, explained and accepted. Every entry needs a reason;
// keep it short (a handful of entries), and prefer fixing a difference.
//
//go:embed allow.yaml
var allowYAML []byte

// Allow is one allow-list entry. Every pattern is a glob: alternatives
// separated by |, in each of which * matches any run of characters ("" or
// absent: anything); Table is one table or several (igp|vrf). An entry
// allows a row when every pattern matches it and, if FRRMinusVpnsim is set,
// both values are integers and FRR's exceeds vpnsim's by exactly that.
type Allow struct {
	Topology, Router, Table, Key, Field string
	FRR, Vpnsim                         string
	FRRMinusVpnsim                      *int
	Reason                              string
	Line                                int // in the file, for messages

	table *regexp.Regexp
	pats  []*regexp.Regexp // Topology, Router, Key, Field, FRR, Vpnsim
}

// AllowList is the parsed allow-list.
type AllowList []Allow

// DefaultAllowList is allow.yaml, parsed.
func DefaultAllowList() (AllowList, error) { return ParseAllowList("oracle/allow.yaml", allowYAML) }

// glob compiles a pattern: alternatives separated by |, in each of which *
// matches any run of characters; "" matches anything.
func glob(p string) *regexp.Regexp {
	if p == "" {
		p = "*"
	}
	var alts []string
	for _, a := range strings.Split(p, "|") {
		alts = append(alts, strings.ReplaceAll(regexp.QuoteMeta(a), `\*`, ".*"))
	}
	return regexp.MustCompile("^(?:" + strings.Join(alts, "|") + ")$")
}

// ParseAllowList reads an allow-list: a YAML sequence of mappings with the
// keys topology, router, table, key, field, frr, vpnsim, frr-minus-vpnsim
// and reason. Errors are FILE:LINE:COLUMN and what to change.
func ParseAllowList(file string, data []byte) (AllowList, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	seq := doc.Content[0]
	if seq.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s:%d:%d: the allow-list is a sequence of entries (- table: ..., reason: ...)", file, seq.Line, seq.Column)
	}
	var out AllowList
	for _, item := range seq.Content {
		if item.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s:%d:%d: an entry is a mapping (table: ..., reason: ...)", file, item.Line, item.Column)
		}
		a := Allow{Line: item.Line}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("%s:%d:%d: %s takes a string", file, v.Line, v.Column, k.Value)
			}
			switch k.Value {
			case "topology":
				a.Topology = v.Value
			case "router":
				a.Router = v.Value
			case "table":
				a.Table = v.Value
			case "key":
				a.Key = v.Value
			case "field":
				a.Field = v.Value
			case "frr":
				a.FRR = v.Value
			case "vpnsim":
				a.Vpnsim = v.Value
			case "frr-minus-vpnsim":
				n, err := strconv.Atoi(v.Value)
				if err != nil {
					return nil, fmt.Errorf("%s:%d:%d: frr-minus-vpnsim takes an integer, not %q", file, v.Line, v.Column, v.Value)
				}
				a.FRRMinusVpnsim = &n
			case "reason":
				a.Reason = strings.TrimSpace(v.Value)
			default:
				return nil, fmt.Errorf("%s:%d:%d: unknown key %q (known: topology, router, table, key, field, frr, vpnsim, frr-minus-vpnsim, reason)", file, k.Line, k.Column, k.Value)
			}
		}
		for _, tb := range strings.Split(a.Table, "|") {
			switch tb {
			case TableIGP, TableLDP, TableVPNv4, TableVRF:
			default:
				return nil, fmt.Errorf("%s:%d:%d: table must be %s, %s, %s or %s (or several, separated by |), not %q", file, item.Line, item.Column, TableIGP, TableLDP, TableVPNv4, TableVRF, a.Table)
			}
		}
		if a.Reason == "" {
			return nil, fmt.Errorf("%s:%d:%d: every entry needs a reason: why the difference is right or cannot be helped", file, item.Line, item.Column)
		}
		a.table = glob(a.Table)
		a.pats = []*regexp.Regexp{glob(a.Topology), glob(a.Router), glob(a.Key), glob(a.Field), glob(a.FRR), glob(a.Vpnsim)}
		out = append(out, a)
	}
	return out, nil
}

// Match returns the first entry that allows r in topology, or nil.
func (l AllowList) Match(topology string, r Row) *Allow {
	for i := range l {
		a := &l[i]
		if !a.table.MatchString(r.Table) {
			continue
		}
		vals := []string{topology, r.Router, r.Key, r.Field, r.FRR, r.Vpnsim}
		ok := true
		for j, p := range a.pats {
			if !p.MatchString(vals[j]) {
				ok = false
				break
			}
		}
		if ok && a.FRRMinusVpnsim != nil {
			f, err1 := strconv.Atoi(r.FRR)
			s, err2 := strconv.Atoi(r.Vpnsim)
			ok = err1 == nil && err2 == nil && f-s == *a.FRRMinusVpnsim
		}
		if ok {
			return a
		}
	}
	return nil
}

// Apply marks every row the list allows with the entry's place in the
// file (allow.yaml:LINE), where its reason is.
func (l AllowList) Apply(topology string, rows []Row) {
	for i := range rows {
		if a := l.Match(topology, rows[i]); a != nil {
			rows[i].Allowed = fmt.Sprintf("allow.yaml:%d", a.Line)
		}
	}
}
