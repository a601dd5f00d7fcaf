package loadtest

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/google/pprof/profile"
)

// cpuProfiles profiles the app runs only: a profile per run (Go allows one
// at a time, with no pause), merged into one file at the end, so the bare
// server's runs are left out. The clients run in the same process and show
// up as fasthttp's client frames.
type cpuProfiles struct {
	path string
	runs []*bytes.Buffer
	on   bool
}

// start begins profiling a run (nothing without a path).
func (p *cpuProfiles) start() error {
	if p.path == "" {
		return nil
	}
	buf := new(bytes.Buffer)
	if err := pprof.StartCPUProfile(buf); err != nil {
		return err
	}
	p.runs = append(p.runs, buf)
	p.on = true
	return nil
}

// stop ends the run's profile.
func (p *cpuProfiles) stop() {
	if p.on {
		pprof.StopCPUProfile()
		p.on = false
	}
}

// write merges the runs' profiles into the file.
func (p *cpuProfiles) write() error {
	if p.path == "" || len(p.runs) == 0 {
		return nil
	}
	var ps []*profile.Profile
	for _, b := range p.runs {
		pr, err := profile.Parse(b)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		ps = append(ps, pr)
	}
	merged, err := profile.Merge(ps)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	f, err := os.Create(p.path)
	if err != nil {
		return err
	}
	if err := merged.Write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeHeapProfile writes the heap profile (live objects after a
// collection, and every allocation since the process started) to path.
func writeHeapProfile(path string) error {
	if path == "" {
		return nil
	}
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
