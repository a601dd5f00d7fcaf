package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// KeySize is the size of a server secret key: 256 bits.
const KeySize = 32

// LoadOrCreateKey returns the secret key in the file at path, creating it
// (KeySize random bytes, mode 0600) on first use. The file appears whole or
// not at all (written aside, then linked into place), so a crash cannot
// leave half a key. A file of the wrong size is an error rather than
// replaced: replacing it would silently invalidate what it signed.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := readKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".key-*") // mode 0600
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(key)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return readKey(path) // another process made it first: use theirs
	} else if err != nil {
		return nil, err
	}
	return key, nil
}

func readKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("%s: %d bytes, want a %d-byte key (delete the file to make a new one)", path, len(key), KeySize)
	}
	return key, nil
}
