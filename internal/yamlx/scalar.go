package yamlx

import (
	"net/netip"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// Each helper below decodes one value. On a value of the wrong type or out
// of range it reports "KEY: want ..., got ..." at the value and returns
// false; key is the name the message starts with.

// Str returns a scalar's text. Any scalar but null is text: a name such as
// 10 or true is read as written.
func (d *Decoder) Str(key string, v *yaml.Node) (string, bool) {
	n := Deref(v)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.Errorf(v, "%s: want a string, got %s", key, Describe(v))
		return "", false
	}
	return n.Value, true
}

// OptStr is Str for free text, where null (an empty value) means "".
func (d *Decoder) OptStr(key string, v *yaml.Node) (string, bool) {
	if n := Deref(v); n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return "", true
	}
	return d.Str(key, v)
}

// Int returns an integer from lo to hi.
func (d *Decoder) Int(key string, v *yaml.Node, lo, hi int64) (int64, bool) {
	n := Deref(v)
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		var x int64
		if err := n.Decode(&x); err == nil && x >= lo && x <= hi {
			return x, true
		}
	}
	d.Errorf(v, "%s: want an integer from %d to %d, got %s", key, lo, hi, Describe(v))
	return 0, false
}

// Bool returns true or false.
func (d *Decoder) Bool(key string, v *yaml.Node) (bool, bool) {
	n := Deref(v)
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b, true
		}
	}
	d.Errorf(v, "%s: want true or false, got %s", key, Describe(v))
	return false, false
}

// Enum returns one of the allowed words.
func (d *Decoder) Enum(key string, v *yaml.Node, allowed ...string) (string, bool) {
	n := Deref(v)
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		for _, a := range allowed {
			if n.Value == a {
				return a, true
			}
		}
	}
	d.Errorf(v, "%s: want %s, got %s", key, OneOf(allowed), Describe(v))
	return "", false
}

// OneOf joins words as "a", "a or b", "a, b or c".
func OneOf(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// Duration returns a positive Go duration such as 1ms or 2.5s.
func (d *Decoder) Duration(key string, v *yaml.Node) (time.Duration, bool) {
	n := Deref(v)
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		if x, err := time.ParseDuration(n.Value); err == nil && x > 0 {
			return x, true
		}
	}
	d.Errorf(v, "%s: want a positive duration such as 1ms, 2.5ms or 30s, got %s", key, Describe(v))
	return 0, false
}

// Addr returns an IPv4 address.
func (d *Decoder) Addr(key string, v *yaml.Node) (netip.Addr, bool) {
	n := Deref(v)
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		if a, err := netip.ParseAddr(n.Value); err == nil && a.Is4() {
			return a, true
		}
	}
	d.Errorf(v, "%s: want an IPv4 address such as 10.0.0.1, got %s", key, Describe(v))
	return netip.Addr{}, false
}

// Prefix returns an IPv4 prefix with no host bits set.
func (d *Decoder) Prefix(key string, v *yaml.Node) (netip.Prefix, bool) {
	n := Deref(v)
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		if p, err := netip.ParsePrefix(n.Value); err == nil && p.Addr().Is4() {
			if p != p.Masked() {
				d.Errorf(v, "%s: %s has host bits set; write %s", key, p, p.Masked())
				return netip.Prefix{}, false
			}
			return p, true
		}
	}
	d.Errorf(v, "%s: want an IPv4 prefix such as 10.1.1.0/24, got %s", key, Describe(v))
	return netip.Prefix{}, false
}

// IfacePrefix returns an interface address with its prefix length, such
// as 172.16.0.1/24 (host bits set, unlike Prefix).
func (d *Decoder) IfacePrefix(key string, v *yaml.Node) (netip.Prefix, bool) {
	n := Deref(v)
	if n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		if p, err := netip.ParsePrefix(n.Value); err == nil && p.Addr().Is4() {
			return p, true
		}
	}
	d.Errorf(v, "%s: want an IPv4 address with its prefix length such as 172.16.0.1/24, got %s", key, Describe(v))
	return netip.Prefix{}, false
}

// Seq returns the items of a list.
func (d *Decoder) Seq(key string, v *yaml.Node) ([]*yaml.Node, bool) {
	n := Deref(v)
	if n == nil || n.Kind != yaml.SequenceNode {
		d.Errorf(v, "%s: want a list such as [a, b], got %s", key, Describe(v))
		return nil, false
	}
	return n.Content, true
}

// Uints returns a list of integers from lo to hi; an empty list gives a
// non-nil empty slice. ok is false when anything in it is wrong (each item
// at fault is reported).
func (d *Decoder) Uints(key string, v *yaml.Node, lo, hi int64) ([]uint32, bool) {
	items, ok := d.Seq(key, v)
	if !ok {
		return nil, false
	}
	out := make([]uint32, 0, len(items))
	for _, it := range items {
		x, ok1 := d.Int(key, it, lo, hi)
		ok = ok && ok1
		out = append(out, uint32(x))
	}
	return out, ok
}

// Strs returns a list of strings; an empty list gives a non-nil empty slice.
func (d *Decoder) Strs(key string, v *yaml.Node) ([]string, bool) {
	items, ok := d.Seq(key, v)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok1 := d.Str(key, it)
		ok = ok && ok1
		out = append(out, s)
	}
	return out, ok
}
