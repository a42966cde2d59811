# vpnsim: the two commands a newcomer needs are `make demo` and `make test`.
# Both download and build what they need on first use (Go modules through the
# module proxy); nothing else is required but Go, gcc (for -race) and make.

GO      ?= go
BIN     := bin/vpnsim
FUZZTIME ?= 10s
PKGS    := ./...

.PHONY: all build test demo bench growth fuzz lint vet fmt-check clean

all: build

# build says what it is doing: the first build on a fresh clone downloads and
# compiles every module (GoBGP, gopacket, gonum, cobra), and any build with a
# cold build cache compiles hundreds of packages; both take a minute, so both
# are announced (go list -deps counts the packages that need compiling).
build:
	@if [ ! -d "$$($(GO) env GOMODCACHE)/github.com/osrg" ]; then \
		echo "first build: downloading and compiling modules (GoBGP, gopacket, gonum, cobra); this takes a minute..."; \
	else n=$$($(GO) list -deps -f '{{if .Stale}}1{{end}}' ./cmd/vpnsim 2>/dev/null | grep -c 1); \
		if [ "$$n" -gt 10 ]; then echo "compiling $$n packages (the build cache is cold); this takes a minute..."; fi; fi
	@$(GO) build -o $(BIN) ./cmd/vpnsim

# demo runs the classic topology's separation scenario: two customers with the
# same addresses, one core; one ping's packet walk shows every hop's labels.
demo: build
	$(BIN) run scenarios/separation.yaml

test: vet
	@echo "running every package's tests with the race detector (a few minutes; the first run also compiles them)..."
	$(GO) test -race -count=1 $(PKGS)
	# the separation property over 1,000 random networks (under -race above it runs 50)
	$(GO) test -count=1 -run '^TestSeparationProperty$$' ./lab/
	$(GO) build -o $(BIN) ./cmd/vpnsim
	$(BIN) test scenarios/

vet:
	$(GO) vet $(PKGS)

lint: vet fmt-check

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# bench prints the figures docs/performance.md records: the Go benchmarks,
# then the 100k-prefix network through the command line (scripts/bench-cli.sh).
bench:
	scripts/bench.sh
	scripts/bench-cli.sh

# growth measures vpnsim gen + show from 1 000 to 300 000 VPN prefixes and
# from 10 to 100 PEs, and draws docs/growth.png (scripts/growth.sh: about a
# quarter of an hour and up to 12 GB of memory).
growth:
	scripts/growth.sh

# fuzz runs every fuzz target for FUZZTIME each (scripts/fuzz.sh).
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

clean:
	rm -rf bin

# interop checks vpnsim against real BGP implementations: FRR's bgpd and
# gobgpd (Debian's frr and gobgpd packages) join a running vpnsim serve as
# external peers; it prints what it compared. docs/real-peers.md.
.PHONY: interop
interop:
	scripts/interop.sh

# oracle runs every built-in topology and a Topology Zoo backbone in real FRR
# daemons (network namespaces; root) and compares their IS-IS, LDP, VPNv4
# and VRF tables with vpnsim's; differences not in oracle/allow.yaml fail.
# docs/real-lab.md, "FRR as the oracle".
.PHONY: oracle
oracle:
	scripts/oracle.sh

# web-check drives the web page of vpnsim web in a real browser (Debian's
# chromium, headless, through chromedp): every node drawn, the A1 ->
# 10.1.2.1 walk's header stack at P1, a link failed with a click. Its
# screenshots go to bin/web-check/. make test does not need chromium.
.PHONY: web-check web-bench
web-check:
	$(GO) test -tags browser -count=1 -v -run '^TestBrowser' ./web/ -args -screenshots=$(CURDIR)/bin/web-check

# web-bench times the page for the Kdl backbone (754 routers): first paint,
# drawing ready, zoom and pan steps (docs/performance.md).
web-bench: build
	scripts/web-bench.sh
