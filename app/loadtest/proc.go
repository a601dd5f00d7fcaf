package loadtest

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// procSample is what the process uses at one moment: the app server, the
// bare server and the harness's clients all live in it, which is why the
// harness reports its own footprint before the server starts.
type procSample struct {
	RSS int64         // resident set size in bytes (VmRSS of /proc/self/status)
	FDs int           // open file descriptors (entries of /proc/self/fd)
	CPU time.Duration // user + system CPU time since the process started
}

// sample reads the process's RSS, open descriptors and CPU time. CPU time
// is getrusage(RUSAGE_SELF), the kernel's utime + stime of /proc/self/stat
// in microseconds instead of clock ticks.
func sample() procSample {
	var s procSample
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		s.RSS = vmRSS(b)
	}
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		s.FDs = len(ents) - 1 // the descriptor ReadDir itself had open
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		s.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return s
}

// vmRSS returns the VmRSS line of a /proc/<pid>/status file in bytes.
func vmRSS(status []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		line := sc.Bytes()
		if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			f := bytes.Fields(v) // "123456", "kB"
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(string(f[0]), 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// loadAverage returns the machine's 1-minute load average (/proc/loadavg):
// other processes' work is noise the ratios share but the absolute figures
// do not.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := bytes.Fields(b); err == nil && len(f) > 0 {
		return string(f[0])
	}
	return "?"
}
