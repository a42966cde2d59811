// Package web is the page of `vpnsim web` (and `vpnsim serve --web`): the
// network drawn, a packet walked hop by hop with its header stack, each
// router's tables on a click, links and nodes failed and restored. Every
// asset is embedded in the binary (go:embed): plain HTML, CSS and
// JavaScript modules, no build step, nothing fetched at run time. The page
// talks only to the control API of the same server (package api,
// docs/control-api.md), so it works wherever that API answers.
//
// The drawing is plain SVG written by draw.js rather than a vendored graph
// library: every node and link is an element with an aria-label and a
// <title>, which a screen reader and the browser test read; zoom and pan
// are the viewBox; the positions come from the server (GET /v1/graph), so
// no layout code runs in the page. A library such as cytoscape.js draws on
// a canvas and would need a second, hidden DOM for the accessible names,
// for more code than the drawing itself. Kdl's 754 routers draw in under
// a second (docs/performance.md).
package web

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed assets
var assets embed.FS

// Handler serves the page and its assets. Nothing it serves depends on the
// request: it changes no state, whatever the method.
func Handler() http.Handler {
	sub, _ := fs.Sub(assets, "assets") // the embedded directory exists
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the page is read with GET", http.StatusMethodNotAllowed)
			return
		}
		// the page may not be framed by another site, nor load anything
		// from elsewhere
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// Mux serves the page at / and the control API (apiHandler, an
// api.Server) under /v1/: what vpnsim web listens with.
func Mux(apiHandler http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/v1/", apiHandler)
	mux.Handle("/", Handler())
	return mux
}
