package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/vpnsim/vpnsim/console"
)

// ConsoleRequest is one line typed at a router console the server keeps:
// Session names a console an earlier answer opened ("" opens one, logged
// in to Router); Line is what was typed (a trailing ? asks for help).
// With Complete the line is not run: the answer gives it completed (Tab).
type ConsoleRequest struct {
	Session  string `json:"session,omitempty"`
	Router   string `json:"router,omitempty"`
	Line     string `json:"line"`
	Complete bool   `json:"complete,omitempty"`
}

// ConsoleResponse is what the console printed and its prompt after it.
type ConsoleResponse struct {
	Session string `json:"session"`
	Output  string `json:"output"`
	Prompt  string `json:"prompt"`
	// Line is the completed line, for a Complete request.
	Line string `json:"line,omitempty"`
	// Done: the user logged out; the session is gone.
	Done bool `json:"done,omitempty"`
}

// maxConsoles bounds the consoles a server keeps open at once.
const maxConsoles = 64

type consoleSession struct {
	c   *console.Console
	out *bytes.Buffer
}

// consoleLine runs one line at a console (POST /v1/console): the same
// console `vpnsim console` gives a terminal, for a web page to host.
func (s *Server) consoleLine(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var req ConsoleRequest
	if err := decode(r, &req); err != nil {
		fail(w, err)
		return
	}
	if s.consoles == nil {
		s.consoles = map[string]*consoleSession{}
	}
	cs := s.consoles[req.Session]
	id := req.Session
	if req.Session == "" {
		if len(s.consoles) >= maxConsoles {
			fail(w, fmt.Errorf("%d consoles are open already; log out of one (exit)", maxConsoles))
			return
		}
		out := &bytes.Buffer{}
		c, err := console.New(s.lab, req.Router, out)
		if err != nil {
			fail(w, err)
			return
		}
		if s.settle > 0 {
			c.Settle = s.settle
		}
		s.nextConsole++
		id = "c" + strconv.Itoa(s.nextConsole)
		cs = &consoleSession{c: c, out: out}
		s.consoles[id] = cs
	} else if cs == nil {
		fail(w, fmt.Errorf("no console session %q (it ended, or the server restarted): open one without a session", req.Session))
		return
	}
	resp := ConsoleResponse{Session: id}
	if req.Complete {
		resp.Line, _ = cs.c.Complete(req.Line)
	} else {
		cs.out.Reset()
		before := s.stateKey()
		cs.c.Exec(req.Line)
		resp.Output = cs.out.String()
		if s.stateKey() != before {
			// the line changed the network (interface shutdown, a
			// route target): the pages watching redraw and walk again
			what := fmt.Sprintf("%s console: %s", cs.c.Node(), req.Line)
			s.Publish(EventChange, what)
			s.Publish(EventConverged, what)
		}
	}
	resp.Prompt = cs.c.Prompt()
	if cs.c.Done() {
		resp.Done = true
		delete(s.consoles, id)
	}
	writeJSON(w, http.StatusOK, resp)
}

// Console runs one line at a console of the server (see ConsoleRequest).
func (c *Client) Console(req ConsoleRequest) (ConsoleResponse, error) {
	var out ConsoleResponse
	return out, c.do("POST", "/v1/console", req, &out)
}
