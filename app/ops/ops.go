// Package ops is how operator commands reach a running server. The server
// holds an exclusive lock on its data directory and serves a small control
// endpoint on loopback, authenticated by a random token that only the
// data directory's owner can read. `restore` and `replicas status` use it
// when a server is running, and work on the files directly (holding the
// lock, so no server can start meanwhile) when none is.
package ops

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

const (
	lockFile = ".server.lock"
	infoFile = ".ops.json"
)

// ErrLocked means another process (a running server, or a restore) holds
// the data directory.
var ErrLocked = errors.New("the data directory is in use by another sportsapp process (a running server, or a restore)")

// Lock takes the data directory's exclusive lock without waiting. The lock
// is released by calling the returned function, or when the process ends
// (the kernel drops it even after a crash, so it never goes stale).
func Lock(dataDir string) (release func(), err error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dataDir, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Info is what a running server publishes for the CLI.
type Info struct {
	Addr  string `json:"addr"`
	Token string `json:"token"`
	PID   int    `json:"pid"`
}

// Publish writes the control endpoint's address and a new token into the
// data directory, readable by its owner only.
func Publish(dataDir, addr string) (Info, error) {
	info := Info{Addr: addr, Token: rand.Text(), PID: os.Getpid()}
	b, err := json.Marshal(info)
	if err != nil {
		return Info{}, err
	}
	tmp := filepath.Join(dataDir, infoFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return Info{}, err
	}
	return info, os.Rename(tmp, filepath.Join(dataDir, infoFile))
}

// Unpublish removes the endpoint's file at shutdown.
func Unpublish(dataDir string) { _ = os.Remove(filepath.Join(dataDir, infoFile)) }

// ReadInfo returns the running server's endpoint.
func ReadInfo(dataDir string) (Info, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, infoFile))
	if err != nil {
		return Info{}, fmt.Errorf("no running server found in %s: %w", dataDir, err)
	}
	var info Info
	if err := json.Unmarshal(b, &info); err != nil {
		return Info{}, err
	}
	return info, nil
}

// validToken compares tokens in constant time.
func validToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
