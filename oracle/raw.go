package oracle

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// WriteRaw writes raw as dir/NODE/NAME.json, replacing dir (the recorded
// FRR output the unit tests read), each JSON value compacted onto a line.
func WriteRaw(dir string, raw Raw) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for node, m := range raw {
		if err := os.MkdirAll(filepath.Join(dir, node), 0o755); err != nil {
			return err
		}
		for name, data := range m {
			data, err := compact(data)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, node, name+".json"), data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReadRaw reads what WriteRaw wrote.
func ReadRaw(dir string) (Raw, error) {
	nodes, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	raw := Raw{}
	for _, n := range nodes {
		if !n.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, n.Name()))
		if err != nil {
			return nil, err
		}
		m := map[string][]byte{}
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(dir, n.Name(), f.Name()))
			if err != nil {
				return nil, err
			}
			m[strings.TrimSuffix(f.Name(), ".json")] = data
		}
		raw[n.Name()] = m
	}
	return raw, nil
}

// compact writes every JSON value of data (vtysh prints one per command)
// without insignificant space, one per line.
func compact(data []byte) ([]byte, error) {
	var out bytes.Buffer
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
		if err := json.Compact(&out, v); err != nil {
			return nil, err
		}
		out.WriteByte('\n')
	}
}
