//go:build !unix

package lab

import "time"

// cpuTime is not measured here: benchmarks report 0.
func cpuTime() time.Duration { return 0 }

// peakRSSMB is not measured here: benchmarks report 0.
func peakRSSMB() float64 { return 0 }
