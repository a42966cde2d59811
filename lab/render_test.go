package lab

import (
	"io"

	"github.com/vpnsim/vpnsim/render"
)

// showText prints one of node's tables as `vpnsim show` does.
func showText(l *Lab, w io.Writer, node, name, vrfName string) error {
	t, err := l.Table(node, name, vrfName)
	if err != nil {
		return err
	}
	return render.Text(w, t)
}

// showJSON writes one of node's tables as `vpnsim show --format json` does.
func showJSON(l *Lab, w io.Writer, node, name, vrfName string) error {
	t, err := l.Table(node, name, vrfName)
	if err != nil {
		return err
	}
	return render.JSON(w, t)
}
