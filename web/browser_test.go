//go:build browser

// The browser check of the web page (make web-check): Debian's chromium,
// headless, driven with chromedp, loads the page served for classic, finds
// every node in the drawing, runs the A1 -> 10.1.2.1 walk through the
// page's own controls, reads the header boxes at P1 and compares them with
// what vpnsim trace prints for that hop, fails P1–P2 with a click on the
// link and sees the walk end where the path is gone. Screenshots go to
// -screenshots (default bin/web-check at the top of the clone).
package web_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/vpnsim/vpnsim/api"
	"github.com/vpnsim/vpnsim/internal/labtest"
	"github.com/vpnsim/vpnsim/lab"
	"github.com/vpnsim/vpnsim/network"
	"github.com/vpnsim/vpnsim/render"
	"github.com/vpnsim/vpnsim/web"
)

var (
	chromium    = flag.String("chromium", "/usr/bin/chromium", "the browser to drive")
	screenshots = flag.String("screenshots", "../bin/web-check", "where the screenshots go")
	pageURL     = flag.String("url", "", "TestDrawTime: the page of a running vpnsim web to time (its draw, pan and zoom)")
)

// browser starts a headless chromium with a fresh profile, nothing
// fetched beyond the page (no updates, no sync, no QUIC).
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(*chromium); err != nil {
		t.Fatalf("no browser at %s (apt-get install chromium, or give -chromium PATH): %v", *chromium, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(*chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1600, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel3)
	return ctx
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := get(t, ctx, chromedp.CaptureScreenshot())
	if err := os.MkdirAll(*screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(*screenshots, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", p)
}

// traceHop is what vpnsim trace prints for the packet's frame that
// reaches node (not an ARP exchange's): the header stack of its line
// "FROM -> NODE:IF  [Eth]...".
func traceHop(t *testing.T, srv *api.Server, from, to, node string) string {
	t.Helper()
	var out strings.Builder
	srv.Lock(func(l *lab.Lab) {
		w := &network.Walk{}
		if _, err := l.Ping(from, netip.MustParseAddr(to), network.ProbeOptions{Walk: w}); err != nil {
			t.Fatal(err)
		}
		render.Walk(&out, w, false)
	})
	for _, line := range strings.Split(out.String(), "\n") {
		if i := strings.Index(line, "-> "+node+":"); i >= 0 && !strings.Contains(line, "[ARP") {
			return line[strings.Index(line, "[Eth]"):]
		}
	}
	t.Fatalf("trace %s %s never reaches %s:\n%s", from, to, node, out.String())
	return ""
}

// page serves topology name as vpnsim web does (token set) and opens the
// page with the token in a fresh headless chromium.
func page(t *testing.T, name string) (*lab.Lab, *api.Server, *httptest.Server, context.Context) {
	t.Helper()
	l := labtest.Start(t, name)
	srv := api.NewServer(l, 30*time.Second)
	srv.Token = "0123456789abcdef"
	hs := httptest.NewServer(web.Mux(srv))
	t.Cleanup(hs.Close)
	t.Cleanup(srv.CloseEvents)
	return l, srv, hs, browser(t)
}

func TestBrowser(t *testing.T) {
	l, srv, hs, ctx := page(t, "classic")
	wantAtP1 := traceHop(t, srv, "A1", "10.1.2.1", "P1")
	// classic's label ranges: P1's label for PE2 is 202, PE2's VPN label 404
	if wantAtP1 != "[Eth][MPLS 202 TTL 63][MPLS 404 S TTL 63][IPv4 10.1.1.1 > 10.1.2.1 TTL 63][ICMP echo]" {
		t.Fatalf("vpnsim trace prints %s at P1", wantAtP1)
	}

	start := time.Now()
	do(t, ctx, chromedp.Navigate(hs.URL+"/#token="+srv.Token), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)))
	names := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#nodes g.node text')].map(e => e.textContent)`))
	paint := get(t, ctx, chromedp.Evaluate[float64](`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`))
	ready := get(t, ctx, chromedp.Evaluate[float64](`window.vpnsimReady`))
	t.Logf("classic: first contentful paint %.0f ms, drawing ready %.0f ms after navigation (%v in all)", paint, ready, time.Since(start).Round(time.Millisecond))
	if ready <= 0 || ready > 1000 {
		t.Errorf("the drawing of classic is ready %.0f ms after navigation, want under 1 s", ready)
	}
	var want []string
	for _, n := range l.Topo.Nodes {
		want = append(want, n.Name)
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("the drawing names %v, want every node %v", names, want)
	}
	// every link has an accessible name
	linkLabels := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#links g.link')].map(e => e.getAttribute('aria-label'))`))
	if len(linkLabels) != len(l.Topo.Links) || !slices.Contains(linkLabels, "link P1–P2 (P1 eth2, P2 eth1), metric 10, up") {
		t.Fatalf("links drawn: %q", linkLabels)
	}
	shot(t, ctx, "1-classic")

	// the walk, through the page's controls
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#walk-from`), "A1"),
		chromedp.SendKeys(chromedp.CSS(`#walk-to`), "10.1.2.1"),
		chromedp.Click(chromedp.CSS(`#walk-go`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-walk="1"]`)),
	)
	atP1 := stepTo(t, ctx, "PE1:eth1>P1:eth1")
	if atP1 != wantAtP1 {
		t.Errorf("the header boxes at P1 read\n  %s\nvpnsim trace prints\n  %s", atP1, wantAtP1)
	}
	shot(t, ctx, "2-walk-at-P1")
	result := get(t, ctx, chromedp.Text(chromedp.CSS(`#walk-result`)))
	if !strings.HasPrefix(result, "reply from A2 (10.1.2.1)") {
		t.Errorf("walk result %q, want a reply from A2", result)
	}
	// the capture of the walk is offered for download
	if href := get(t, ctx, chromedp.AttributeValue(chromedp.CSS(`#walk-pcap`), "href")).Value; href != "/v1/capture?id=1" {
		t.Errorf("capture link %q", href)
	}
	// the reply walks back: its last frame reaches A1
	stepTo(t, ctx, "PE1:eth2>A1:eth1")

	// a scenario step offered (vpnsim web --scenario): choosing it walks it
	srv.Lock(func(*lab.Lab) {
		srv.Presets = []api.Preset{{Label: "step 2: B's packet", Probe: api.ProbeRequest{From: "B1", To: "10.1.2.1", Walk: true}}}
	})
	// the old page is marked so that only the reloaded one can answer
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.body.dataset.ready = 'reloading'`),
		chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
		chromedp.WaitReady(chromedp.CSS(`#walk-preset option[value="0"]`)),
		chromedp.SetValue(chromedp.CSS(`#walk-preset`), "0")) // its change event walks it
	waitWalks(t, ctx, 1)
	if result := get(t, ctx, chromedp.Text(chromedp.CSS(`#walk-result`))); !strings.HasPrefix(result, "reply from B2 (10.1.2.1)") {
		t.Errorf("the scenario step's walk: %q, want B2's reply", result)
	}

	// fail P1–P2 with a click on the link: the walk runs again and ends
	// at PE1, which has no path to PE2 any more
	walks := get(t, ctx, chromedp.Evaluate[int](`Number(document.body.dataset.walk)`))
	do(t, ctx, chromedp.Click(chromedp.CSS(`g.link[data-link="P1–P2"] text.metric`)))
	waitWalks(t, ctx, walks+1)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`g.link.failed[data-link="P1–P2"]`)))
	failed := get(t, ctx, chromedp.AttributeValue(chromedp.CSS(`g.link[data-link="P1–P2"]`), "aria-label")).Value
	result = get(t, ctx, chromedp.Text(chromedp.CSS(`#walk-result`)))
	if !strings.HasSuffix(failed, ", down") {
		t.Errorf("P1–P2 after the click: %q, want it down", failed)
	}
	frames := frames(t, ctx)
	if slices.Contains(frames, "PE1:eth1>P1:eth1") || slices.Contains(frames, "P1:eth2>P2:eth1") {
		t.Errorf("after P1–P2 failed the walk still crosses the core: %v", frames)
	}
	if strings.HasPrefix(result, "reply") {
		t.Errorf("after P1–P2 failed: %q, want no reply (classic has no other path)", result)
	}
	t.Logf("after P1–P2 failed: %s; frames %v", result, frames)
	events := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#event-log li')].map(e => e.textContent)`))
	if !slices.ContainsFunc(events, func(e string) bool { return strings.HasSuffix(e, "link P1–P2 down: converged") }) {
		t.Errorf("the event list lacks the change converging: %q", events)
	}
	shot(t, ctx, "3-P1-P2-failed")
	var state bool
	srv.Lock(func(l *lab.Lab) { state, _ = l.LinkState(l.Topo.Between("P1", "P2")) })
	if !state {
		t.Errorf("the network does not have P1–P2 failed")
	}
}

// waitWalks waits (10 s at most) until the page has shown n walks and
// none is in flight.
func waitWalks(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`Number(document.body.dataset.walk) >= %d && document.getElementById('walk-result').textContent !== 'walking…'`, n),
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("waiting for walk %d: %v (the page shows %s)", n, err, get(t, ctx, chromedp.Evaluate[string](`document.body.dataset.walk`)))
	}
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// position reads the walk's position: step i of n.
func position(t *testing.T, ctx context.Context) (i, n int) {
	t.Helper()
	pos := get(t, ctx, chromedp.Text(chromedp.CSS(`#walk-pos`)))
	if _, err := fmt.Sscanf(pos, "step %d of %d", &i, &n); err != nil {
		t.Fatalf("walk position %q: %v", pos, err)
	}
	return i, n
}

// On ring a failed link moves the walk to the other way round, with new
// labels; a node's pane shows the rows vpnsim show prints, fails the node
// and opens its console.
func TestBrowserRing(t *testing.T) {
	_, srv, hs, ctx := page(t, "ring")
	do(t, ctx, chromedp.Navigate(hs.URL+"/#token="+srv.Token), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
		chromedp.SetValue(chromedp.CSS(`#walk-from`), "A1"),
		chromedp.SendKeys(chromedp.CSS(`#walk-to`), "10.1.2.1"),
		chromedp.Click(chromedp.CSS(`#walk-go`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-walk="1"]`)))
	before := frames(t, ctx)
	if !slices.Contains(before, "P1:eth2>P2:eth1") {
		t.Fatalf("ring's walk does not take the short path: %v", before)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`g.link[data-link="P1–P2"] text.metric`)))
	waitWalks(t, ctx, 2)
	after := frames(t, ctx)
	if slices.Contains(after, "P1:eth2>P2:eth1") || !slices.ContainsFunc(after, func(f string) bool { return strings.HasPrefix(f, "P3:") && strings.Contains(f, ">P4:") }) {
		t.Errorf("after P1–P2 failed the walk takes %v, want the long way through P3 and P4", after)
	}
	result := get(t, ctx, chromedp.Text(chromedp.CSS(`#walk-result`)))
	if !strings.HasPrefix(result, "reply from A2") {
		t.Errorf("after P1–P2 failed: %q, want a reply over the long path", result)
	}
	// the boxes at P3 are what vpnsim trace prints there now
	at := after[slices.IndexFunc(after, func(f string) bool { return strings.Contains(f, ">P3:") })]
	if got, want := stepTo(t, ctx, at), traceHop(t, srv, "A1", "10.1.2.1", "P3"); got != want {
		t.Errorf("header boxes at P3 %s, vpnsim trace prints %s", got, want)
	}
	shot(t, ctx, "4-ring-long-way")

	// P3's LFIB, as vpnsim show prints it
	var want strings.Builder
	srv.Lock(func(l *lab.Lab) {
		tbl, err := l.Table("P3", "lfib", "")
		if err != nil {
			t.Fatal(err)
		}
		render.Text(&want, tbl)
	})
	do(t, ctx, chromedp.Click(chromedp.CSS(`g.node[data-node="P3"] text`)),
		chromedp.WaitVisible(chromedp.CSS(`#node-table`)),
		chromedp.SetValue(chromedp.CSS(`#node-table`), "lfib"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('node-table').dispatchEvent(new Event('change'))`))
	// the table arrives with a fetch: wait until the pane shows it (or 10 s)
	wantJSON, _ := json.Marshal(want.String())
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('node-out').textContent === `+string(wantJSON),
		chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("P3's lfib in the page:\n%s\nvpnsim show prints:\n%s(%v)", get(t, ctx, chromedp.TextContent(chromedp.CSS(`#node-out`))), want.String(), err)
	}
	shot(t, ctx, "5-ring-P3-lfib")

	// fail P3 from its pane: the walk has no way left
	do(t, ctx, chromedp.Click(chromedp.CSS(`#node-toggle`)))
	waitWalks(t, ctx, 3)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`g.node.down[data-node="P3"]`)))
	if result := get(t, ctx, chromedp.Text(chromedp.CSS(`#walk-result`))); strings.HasPrefix(result, "reply") {
		t.Errorf("with P1–P2 and P3 down: %q, want no reply", result)
	}
	// the console of PE1, in the pane
	do(t, ctx, chromedp.Click(chromedp.CSS(`g.node[data-node="PE1"] text`)),
		chromedp.WaitVisible(chromedp.CSS(`#node-actions button`)))
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#node-actions button')].find(b => b.textContent === 'console').click()`),
		chromedp.WaitVisible(chromedp.CSS(`#console-line`)))
	do(t, ctx, chromedp.Poll[chromedp.Void](`document.getElementById('console-prompt').textContent === 'PE1#'`,
		chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(10*time.Second)))
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#console-line`), "show ip vrf\r"))
	chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`document.getElementById('console-out').textContent.includes('65000:1')`,
		chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(10*time.Second)))
	out := get(t, ctx, chromedp.TextContent(chromedp.CSS(`#console-out`)))
	if !strings.Contains(out, "PE1# show ip vrf") || !strings.Contains(out, "65000:1") {
		t.Errorf("console pane: %q", out)
	}
	shot(t, ctx, "6-ring-console")
}

// stepTo steps the walk forward with the page's button, from its first
// step, until the frame shown is from>to; it returns the header boxes as
// one line, as vpnsim trace prints them.
func stepTo(t *testing.T, ctx context.Context, frame string) string {
	t.Helper()
	do(t, ctx, chromedp.Click(chromedp.CSS(`#walk-first`)))
	for {
		at := get(t, ctx, chromedp.AttributeValue(chromedp.CSS(`#walk-where`), "data-frame")).Value
		if at == frame {
			boxes := strings.Join(get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#walk-stack li')].map(e => '[' + e.textContent + ']')`)), "")
			if !strings.Contains(boxes, "[ARP") { // the packet, not the ARP exchange before it
				return boxes
			}
		}
		if i, n := position(t, ctx); i >= n {
			break
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`#walk-fwd`)))
	}
	t.Fatalf("the walk shows no frame %s: %v", frame, frames(t, ctx))
	return ""
}

// frames lists the walk's frames (FROM>TO) by stepping through it.
func frames(t *testing.T, ctx context.Context) []string {
	t.Helper()
	do(t, ctx, chromedp.Click(chromedp.CSS(`#walk-first`)))
	var out []string
	for {
		at := get(t, ctx, chromedp.AttributeValue(chromedp.CSS(`#walk-where`), "data-frame")).Value
		if at != "" && (len(out) == 0 || out[len(out)-1] != at) {
			out = append(out, at)
		}
		if i, n := position(t, ctx); i >= n {
			return out
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`#walk-fwd`)))
	}
}

// TestDrawTime times the page of a running vpnsim web (-url): first
// contentful paint, the drawing ready, and how long a zoom step (the
// mouse wheel) and a pan step (a drag) take until the next frame is
// painted, through chromium's real input events. docs/performance.md
// records it for the Kdl backbone.
func TestDrawTime(t *testing.T) {
	if *pageURL == "" {
		t.Skip("give -url http://127.0.0.1:PORT/ of a running vpnsim web")
	}
	ctx := browser(t)
	start := time.Now()
	do(t, ctx, chromedp.Navigate(*pageURL), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)))
	loaded := time.Since(start)
	paint := get(t, ctx, chromedp.Evaluate[float64](`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`))
	ready := get(t, ctx, chromedp.Evaluate[float64](`window.vpnsimReady`))
	nodes := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#nodes g.node').length`))
	links := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#links g.link').length`))
	t.Logf("%d nodes, %d links: first contentful paint %.0f ms, drawing ready %.0f ms after navigation (%v with the browser's start)",
		nodes, links, paint, ready, loaded.Round(time.Millisecond))
	shot(t, ctx, "draw-time")
	// the time until the next painted frame after each input event
	const frame = `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))`
	step := func(a chromedp.Action[chromedp.Void]) time.Duration {
		t0 := time.Now()
		do(t, ctx, a)
		get(t, ctx, chromedp.Evaluate[float64](frame, chromedp.EvalAwaitPromise))
		return time.Since(t0)
	}
	worst := func(ds []time.Duration) (time.Duration, time.Duration) {
		var sum, mx time.Duration
		for _, d := range ds {
			sum += d
			mx = max(mx, d)
		}
		return sum / time.Duration(len(ds)), mx
	}
	var zooms, pans []time.Duration
	for i := range 20 {
		dy := -120.0
		if i >= 10 {
			dy = 120
		}
		zooms = append(zooms, step(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseWheel, 700, 400, func(p *input.DispatchMouseEventParams) {
			// chromium wants deltaX too, which cdproto leaves out when zero
			p.DeltaX, p.DeltaY = 0.01, dy
		})))
	}
	do(t, ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, 600, 400, chromedp.ButtonLeft))
	for i := range 20 {
		pans = append(pans, step(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 600+float64(i*15), 400+float64(i*5), chromedp.ButtonLeft)))
	}
	do(t, ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, 900, 500, chromedp.ButtonLeft))
	za, zm := worst(zooms)
	pa, pm := worst(pans)
	t.Logf("zoom: %v a step on average, %v at worst; pan: %v on average, %v at worst (20 steps each, input event to painted frame)",
		za.Round(time.Millisecond), zm.Round(time.Millisecond), pa.Round(time.Millisecond), pm.Round(time.Millisecond))
	shot(t, ctx, "draw-time-zoomed")

	// a walk from the first CE to the second site of its VPN, where it
	// has one: the view fits the walk's part of the network
	to := get(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#walk-addrs option')].find(o => o.label.startsWith('A2 LAN'))?.value ?? ''`))
	if to == "" {
		return
	}
	t0 := time.Now()
	do(t, ctx, chromedp.SetValue(chromedp.CSS(`#walk-from`), "A1"),
		chromedp.SendKeys(chromedp.CSS(`#walk-to`), to),
		chromedp.Click(chromedp.CSS(`#walk-go`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-walk="1"]`)))
	result := get(t, ctx, chromedp.Text(chromedp.CSS(`#walk-result`)))
	steps := get(t, ctx, chromedp.Text(chromedp.CSS(`#walk-pos`)))
	t.Logf("walk A1 -> %s: %s, %s, shown %v after the click", to, result, steps, time.Since(t0).Round(time.Millisecond))
	do(t, ctx, chromedp.Click(chromedp.CSS(`#walk-fwd`)), chromedp.Click(chromedp.CSS(`#walk-fwd`)), chromedp.Click(chromedp.CSS(`#walk-fwd`)))
	shot(t, ctx, "draw-time-walk")
}

// TestBrowserEVPN: the page draws wide-area-ethernet's EVPN services (each
// attachment named with its instance) and walks X1's ping to X2 across the
// E-LAN: at P1 the header boxes show the customer's Ethernet frame, its
// 802.1Q tag and all, behind the control word under two labels, as vpnsim
// trace prints it.
func TestBrowserEVPN(t *testing.T) {
	l, srv, hs, ctx := page(t, "wide-area-ethernet")
	wantAtP1 := traceHop(t, srv, "X1", "172.16.0.2", "P1")
	if !strings.Contains(wantAtP1, "[CW][Eth 02:00:00:06:00:01 > 02:00:00:07:00:01][802.1Q 100][IPv4 172.16.0.1 > 172.16.0.2 TTL 64][ICMP echo]") {
		t.Fatalf("vpnsim trace prints %s at P1", wantAtP1)
	}
	// the trace taught the PEs X1's and X2's MACs, so the page's walk goes
	// as known unicast (under PE2's MAC label, not its flooding label):
	// the customer's frame under the labels is the same
	do(t, ctx, chromedp.Navigate(hs.URL+"/#token="+srv.Token), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)))
	names := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#nodes g.node text')].map(e => e.textContent)`))
	if len(names) != len(l.Topo.Nodes) {
		t.Fatalf("the drawing names %v, want %d nodes", names, len(l.Topo.Nodes))
	}
	linkLabels := strings.Join(get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#links g.link')].map(e => e.getAttribute('aria-label'))`)), "\n")
	if !strings.Contains(linkLabels, "EVPN X") || !strings.Contains(linkLabels, "EVPN W") {
		t.Errorf("no link is named with its EVPN instance:\n%s", linkLabels)
	}
	do(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#walk-from`), "X1"),
		chromedp.SendKeys(chromedp.CSS(`#walk-to`), "172.16.0.2"),
		chromedp.Click(chromedp.CSS(`#walk-go`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-walk="1"]`)),
	)
	atP1 := stepTo(t, ctx, "PE1:eth1>P1:eth1")
	if !strings.Contains(atP1, "[MPLS ") || !strings.Contains(atP1, "[CW][Eth 02:00:00:06:00:01 > 02:00:00:07:00:01][802.1Q 100][IPv4 172.16.0.1 > 172.16.0.2") {
		t.Errorf("the header boxes at P1 read\n  %s\nwant the customer's frame behind a control word, as trace's\n  %s", atP1, wantAtP1)
	}
	shot(t, ctx, "7-evpn-walk-at-P1")
}
