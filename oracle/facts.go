package oracle

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// The tables compared. Each is a set of entries per router, each entry a
// key (a loopback, a FEC, an RD and prefix, ...) with named fields.
const (
	TableIGP   = "igp"   // per provider loopback: metric and next hops
	TableLDP   = "ldp"   // per FEC: local binding kind, neighbours' binding kinds, the neighbour(s) in use
	TableVPNv4 = "vpnv4" // per RD+prefix and per path: attributes, valid, best
	TableVRF   = "vrf"   // per VRF and prefix, the PE's own routes (connected, static, from its CEs)
)

// Entry names one compared entry.
type Entry struct {
	Router, Table, Key string
}

// Facts holds what one side (FRR or vpnsim) says: per entry, its fields.
type Facts map[Entry]map[string]string

// Set records one field of an entry (creating the entry).
func (f Facts) Set(router, table, key, field, value string) {
	e := Entry{router, table, key}
	if f[e] == nil {
		f[e] = map[string]string{}
	}
	f[e][field] = value
}

// Add records an entry with no fields yet (its presence is the fact).
func (f Facts) Add(router, table, key string) {
	e := Entry{router, table, key}
	if f[e] == nil {
		f[e] = map[string]string{}
	}
}

// Row is one difference: a field of an entry that the two sides give
// differently, or an entry only one side has (Field "entry", the missing
// side's value "absent"). Allowed is the allow-list's reason, "" when the
// difference is not allowed.
type Row struct {
	Router, Table, Key, Field string
	FRR, Vpnsim               string
	Allowed                   string
}

func (r Row) compare(o Row) int {
	return cmp.Or(cmp.Compare(r.Router, o.Router), cmp.Compare(r.Table, o.Table),
		cmp.Compare(r.Key, o.Key), cmp.Compare(r.Field, o.Field))
}

// summary is an entry's fields as one line, sorted by name.
func summary(fields map[string]string) string {
	if len(fields) == 0 {
		return "present"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		parts = append(parts, k+"="+fields[k])
	}
	return strings.Join(parts, " ")
}

// Compare returns every difference between frr and sim, sorted by router,
// table, key and field. An entry only one side has is one row; an entry
// both have gives one row per field that differs (a field one side lacks
// counts as "").
func Compare(frr, sim Facts) []Row {
	var rows []Row
	entries := map[Entry]bool{}
	for e := range frr {
		entries[e] = true
	}
	for e := range sim {
		entries[e] = true
	}
	for e := range entries {
		f, inF := frr[e]
		s, inS := sim[e]
		switch {
		case !inF:
			rows = append(rows, Row{e.Router, e.Table, e.Key, "entry", "absent", summary(s), ""})
			continue
		case !inS:
			rows = append(rows, Row{e.Router, e.Table, e.Key, "entry", summary(f), "absent", ""})
			continue
		}
		fields := map[string]bool{}
		for k := range f {
			fields[k] = true
		}
		for k := range s {
			fields[k] = true
		}
		for k := range fields {
			if f[k] != s[k] {
				rows = append(rows, Row{e.Router, e.Table, e.Key, k, f[k], s[k], ""})
			}
		}
	}
	slices.SortFunc(rows, Row.compare)
	return rows
}

// Print writes rows as a table (router, table, key, field, FRR, vpnsim,
// and the allow-list entry that allows a row, or NO).
func Print(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROUTER\tTABLE\tKEY\tFIELD\tFRR\tVPNSIM\tALLOWED")
	for _, r := range rows {
		allowed := "NO"
		if r.Allowed != "" {
			allowed = r.Allowed
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Router, r.Table, r.Key, r.Field, orDash(r.FRR), orDash(r.Vpnsim), allowed)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Failing returns the rows the allow-list does not allow.
func Failing(rows []Row) []Row {
	var out []Row
	for _, r := range rows {
		if r.Allowed == "" {
			out = append(out, r)
		}
	}
	return out
}
