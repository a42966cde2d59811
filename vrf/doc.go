// Package vrf holds VPN routing and forwarding: route distinguishers and
// route targets as value types, and per-VRF IP tables with longest-prefix
// match, import and export by route target.
package vrf
