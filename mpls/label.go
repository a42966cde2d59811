// Package mpls holds MPLS on the wire and in tables: the Label value, the
// 4-byte shim header as a typed byte slice (RFC 3032), push, swap and pop on
// a frame's bytes, and the LFIB the control plane fills and the data
// plane reads.
package mpls

import (
	"fmt"
	"strconv"
)

// Label is a 20-bit MPLS label value.
type Label uint32

// Reserved label values (RFC 3032, RFC 7274).
const (
	ExplicitNullV4 Label = 0  // IPv4 explicit null: the egress pops it
	RouterAlert    Label = 1  // router alert
	ExplicitNullV6 Label = 2  // IPv6 explicit null
	ImplicitNull   Label = 3  // implicit null: advertised, never on the wire
	EntropyIndic   Label = 7  // entropy label indicator
	GAL            Label = 13 // generic associated channel label
	OAMAlert       Label = 14 // OAM alert
	Extension      Label = 15 // extension label
	MaxReserved    Label = 15
	MaxLabel       Label = 1<<20 - 1

	// FirstLDP is the first label an LSR allocates for LDP FECs.
	FirstLDP Label = 16
	// FirstVPN is the first label a PE allocates for VPN routes.
	FirstVPN Label = 100000
)

var reservedNames = [...]string{
	0: "explicit-null", 1: "router-alert", 2: "ipv6-explicit-null", 3: "implicit-null",
	7: "entropy-label-indicator", 13: "gal", 14: "oam-alert", 15: "extension",
}

// IsReserved reports whether l is in the reserved range 0 to 15.
func (l Label) IsReserved() bool { return l <= MaxReserved }

// Name returns the reserved label's name ("implicit-null"), or "" for an
// ordinary or unassigned label.
func (l Label) Name() string {
	if int(l) < len(reservedNames) {
		return reservedNames[l]
	}
	return ""
}

// String prints the label's number.
func (l Label) String() string { return strconv.FormatUint(uint64(l), 10) }

// Valid reports whether l fits in 20 bits.
func (l Label) Valid() bool { return l <= MaxLabel }

// ParseLabel parses a decimal label value (0 to 1048575).
func ParseLabel(s string) (Label, error) {
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil || v > uint64(MaxLabel) {
		return 0, fmt.Errorf("label %q: want a number from 0 to %d", s, MaxLabel)
	}
	return Label(v), nil
}

// Join prints a label stack outermost first as routers do: "18/100000".
func Join(ls []Label) string {
	b := make([]byte, 0, 8*len(ls))
	for i, l := range ls {
		if i > 0 {
			b = append(b, '/')
		}
		b = strconv.AppendUint(b, uint64(l), 10)
	}
	return string(b)
}
