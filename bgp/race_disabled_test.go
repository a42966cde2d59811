//go:build !race

package bgp

// raceEnabled reports whether the tests run under the race detector, which
// makes every network several times slower.
const raceEnabled = false
