package replication

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestPendingMarks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pending")
	p, err := NewPending(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"b-2", "a-1", "b-2"} {
		if err := p.Mark(id); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Mark("../escape"); err == nil {
		t.Fatal("marked an id that leaves the directory")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape")); err == nil {
		t.Fatal("a marker was written outside the directory")
	}
	if ids, _ := p.List(); !reflect.DeepEqual(ids, []string{"a-1", "b-2"}) {
		t.Fatalf("List = %v", ids)
	}
	if err := p.Clear("a-1"); err != nil || p.Clear("a-1") != nil {
		t.Fatalf("Clear: %v", err)
	}
	if ids, _ := p.List(); !reflect.DeepEqual(ids, []string{"b-2"}) {
		t.Fatalf("after Clear: %v", ids)
	}
	if err := p.ClearAll(); err != nil {
		t.Fatal(err)
	}
	if ids, _ := p.List(); len(ids) != 0 {
		t.Fatalf("after ClearAll: %v", ids)
	}
}
