#!/usr/bin/env python3
"""A misbehaving BGP router against `vpnsim serve`, from Python 3's standard
library alone (no pip).

It completes the OPEN exchange over TCP as external peer raw1 of RR1, then
sends each class of malformed input in docs/real-peers.md's table (section
5) and checks what vpnsim does: the NOTIFICATION (code/subcode) and the
session reset with the routes it learned withdrawn, or the treat-as-withdraw
and the session kept, or the misread route that must not appear. After each
case it checks, through the control API (`vpnsim show --server`), that no
bad route reached RR1 or any PE, and that every other BGP session of the
model is still Established.

Two ways to run it:

  scripts/malformed-peer.py --vpnsim bin/vpnsim
      starts `vpnsim serve` itself on the classic topology with two external
      peers of RR1, raw1 (this script's misbehaving router) and raw2 (a
      well-behaved one the script also plays): raw2 must stay up through
      every case and never receive a bad route. Last, RR1 fails in the
      model: both get Cease / Administrative Shutdown (6/2).

  scripts/malformed-peer.py --vpnsim BIN --server 127.0.0.1:8179 \\
      --listen 127.0.0.1:1790 --address 127.0.0.54 --peer-of RR1
      plays the external peer a running `vpnsim serve` already has
      (make interop runs it so, with FRR and gobgpd connected, and checks
      that their sessions keep their uptime and hold no bad route).

Every socket is on 127.0.0.0/8. Exit status 0 when every check passed, 1
otherwise, 2 on bad arguments.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

MARKER = b"\xff" * 16
OPEN, UPDATE, NOTIFICATION, KEEPALIVE = 1, 2, 3, 4
ASN = 65000
WAIT = 30.0  # seconds: only guards against a check that would hang

# The script's routes: a good one it sends before each bad UPDATE (a reset
# must withdraw it), and the bad ones, all in 10.66.0.0/16 and 10.67.0.0/16.
RD66 = struct.pack("!HHI", 0, ASN, 66)  # 65000:66, type 0
RT1 = bytes([0, 2]) + struct.pack("!HI", ASN, 1)  # route target 65000:1
GOOD = ("10.66.0.0", 24, 600)  # prefix, length, label
# Its next hop is PE2's loopback in classic: it resolves in RR1's IGP, so RR1
# reflects the route (to the PEs, as unresolved, and to its other clients).
NEXT_HOP = "10.0.0.4"

failures = []


def say(text):
    print(text, flush=True)


def check(ok, what):
    if ok:
        say("  ok  " + what)
    else:
        say("  FAIL " + what)
        failures.append(what)
    return ok


# ---- BGP messages (RFC 4271 section 4, RFC 4760, RFC 4364, RFC 8277)


def message(typ, body):
    return MARKER + struct.pack("!HB", 19 + len(body), typ) + body


def open_message(router_id, hold=90):
    caps = bytes([1, 4, 0, 1, 0, 128])  # multiprotocol: AFI 1, SAFI 128 (VPNv4)
    caps += bytes([65, 4]) + struct.pack("!I", ASN)  # 4-octet AS
    params = bytes([2, len(caps)]) + caps
    body = struct.pack("!BHH4sB", 4, ASN, hold, socket.inet_aton(router_id), len(params)) + params
    return message(OPEN, body)


def attr(flags, typ, value):
    if len(value) > 255:
        return struct.pack("!BBH", flags | 0x10, typ, len(value)) + value
    return struct.pack("!BBB", flags, typ, len(value)) + value


def vpn_nlri(labels, rd, prefix, plen, bits=None):
    """One VPN-IPv4 NLRI: labels as 3-byte fields (S bits as given), the RD,
    the prefix; the length in bits counts all of it unless bits is given."""
    body = b"".join(struct.pack("!I", l)[1:] for l in labels) + rd
    body += socket.inet_aton(prefix)[: (plen + 7) // 8]
    if bits is None:
        bits = 24 * len(labels) + 64 + plen
    return bytes([bits]) + body


def mp_reach(nlri, next_hop=None):
    if next_hop is None:
        next_hop = bytes(8) + socket.inet_aton(NEXT_HOP)  # RD 0 and IPv4
    v = struct.pack("!HBB", 1, 128, len(next_hop)) + next_hop + b"\x00" + nlri
    return attr(0x80, 14, v)


def update(reach, origin=None, local_pref=None):
    pa = origin if origin is not None else attr(0x40, 1, b"\x00")  # ORIGIN IGP
    pa += attr(0x40, 2, b"")  # AS_PATH, empty (iBGP)
    pa += local_pref if local_pref is not None else attr(0x40, 5, struct.pack("!I", 100))
    pa += reach
    pa += attr(0xC0, 16, RT1)
    return message(UPDATE, struct.pack("!HH", 0, len(pa)) + pa)


def good_update(label_s=1):
    prefix, plen, label = GOOD
    return update(mp_reach(vpn_nlri([label << 4 | label_s], RD66, prefix, plen)))


# ---- a router on a TCP connection


class Router:
    def __init__(self, name, address, listen, router_id):
        self.name, self.address, self.listen, self.router_id = name, address, listen, router_id
        self.sock = None
        self.buf = b""
        self.received = []  # VPN routes received: (rd, prefix, labels)
        self.echo = False  # answer each KEEPALIVE with one (a router that lives on)

    def connect(self):
        host, port = self.listen.rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((self.address, 0))
        s.settimeout(WAIT)
        s.connect((host, int(port)))
        self.sock, self.buf = s, b""
        return self

    def send(self, data):
        self.sock.sendall(data)

    def read(self, timeout=WAIT):
        """The next message (type, body), or None when the connection ends."""
        self.sock.settimeout(timeout)
        while True:
            if len(self.buf) >= 19:
                n = struct.unpack("!H", self.buf[16:18])[0]
                if len(self.buf) >= n:
                    typ, body = self.buf[18], self.buf[19:n]
                    self.buf = self.buf[n:]
                    if typ == UPDATE:
                        self.received += decode_vpn(body)
                    if typ == KEEPALIVE and self.echo:
                        self.send(message(KEEPALIVE, b""))
                    return typ, body
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return None
            self.buf += chunk

    def establish(self, hold=90):
        self.connect()
        self.send(open_message(self.router_id, hold))
        self.read_until(OPEN)
        self.send(message(KEEPALIVE, b""))
        self.read_until(KEEPALIVE)

    def read_until(self, typ):
        while True:
            m = self.read()
            if m is None:
                raise RuntimeError(f"{self.name}: the connection ended while waiting for a message of type {typ}")
            if m[0] == NOTIFICATION:
                raise RuntimeError(f"{self.name}: NOTIFICATION {m[1][0]}/{m[1][1]} while waiting for a message of type {typ}")
            if m[0] == typ:
                return m

    def read_closed(self):
        """Reads until the connection ends; the last NOTIFICATION's
        (code, subcode), or None."""
        last = None
        while True:
            try:
                m = self.read()
            except socket.timeout:
                return ("timeout",)
            if m is None:
                self.sock.close()
                return last
            if m[0] == NOTIFICATION:
                last = (m[1][0], m[1][1])

    def drain(self):
        """Reads what has arrived; False if the session ended."""
        while True:
            try:
                m = self.read(timeout=0.05)
            except socket.timeout:
                return True
            if m is None or m[0] == NOTIFICATION:
                return False

    def close(self):
        if self.sock:
            self.sock.close()


def decode_vpn(body):
    """The VPN routes an UPDATE's MP_REACH_NLRI carries, as one-label
    routes: (rd, prefix, labels). Good enough for what vpnsim sends."""
    out = []
    wl = struct.unpack("!H", body[:2])[0]
    pal = struct.unpack("!H", body[2 + wl : 4 + wl])[0]
    pa = body[4 + wl : 4 + wl + pal]
    while len(pa) >= 3:
        flags, typ = pa[0], pa[1]
        if flags & 0x10:
            n, hl = struct.unpack("!H", pa[2:4])[0], 4
        else:
            n, hl = pa[2], 3
        v, pa = pa[hl : hl + n], pa[hl + n :]
        if typ != 14 or struct.unpack("!HB", v[:3]) != (1, 128):
            continue
        nhl = v[3]
        nlri = v[4 + nhl + 1 :]
        while nlri:
            bits = nlri[0]
            n = (bits + 7) // 8
            b, nlri = nlri[1 : 1 + n], nlri[1 + n :]
            labels = []
            while len(b) >= 3:
                l = int.from_bytes(b[:3], "big")
                labels.append(l >> 4)
                b = b[3:]
                if l & 1:
                    break
            rd, pfx = b[:8], b[8:]
            plen = bits - 24 * len(labels) - 64
            if len(rd) == 8:
                a, x, y = struct.unpack("!HHI", rd) if rd[:2] != b"\x00\x01" else (1, 0, 0)
                rds = f"{x}:{y}" if a == 0 else rd.hex()
                addr = socket.inet_ntoa((pfx + bytes(4))[:4])
                out.append((rds, f"{addr}/{plen}", labels))
    return out


# ---- the model, through the control API


class Model:
    def __init__(self, vpnsim, server):
        self.vpnsim, self.server = vpnsim, server

    def show(self, node, table, vrf=None):
        args = [self.vpnsim, "show", "--server", self.server, node, table, "--format", "json"]
        if vrf:
            args += ["--vrf", vrf]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        return json.loads(out)["rows"]

    def vpn(self, node):
        return self.show(node, "vpnv4")

    def holds(self, node, rd, prefix, from_=None):
        return any(
            r["rd"] == rd and r["prefix"] == prefix and (from_ is None or r["from"] == from_) for r in self.vpn(node)
        )

    def sessions(self, me):
        """Every BGP session row of RR1, PE1 and PE2 other than me's."""
        rows = []
        for node in ("RR1", "PE1", "PE2"):
            for r in self.show(node, "bgp"):
                if r["neighbor"] != me:
                    rows.append(f"{r['speaker']}–{r['neighbor']}: {r['state']}")
        return sorted(rows)

    def bad_routes(self):
        """Paths anywhere in RR1, PE1, PE2 that the bad UPDATEs could have
        made: any in 10.67.0.0/16, and any of RD 0:0 (the misreading of a
        label without its S bit)."""
        bad = []
        for node in ("RR1", "PE1", "PE2"):
            for r in self.vpn(node):
                if r["prefix"].startswith("10.67.") or r["rd"] == "0:0":
                    bad.append(f"{node}: {r['rd']} {r['prefix']} label {r['label']} from {r['from']}")
        return bad


def wait_until(what, cond):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.1)  # polling the control API, which has no events to offer
    return check(False, "timed out waiting until " + what)


# ---- the cases


def cases(peer_of):
    """(name, bytes after the OPEN exchange, or a function, expected outcome).
    outcome: ("notify", code, subcode), ("withdraw",) or ("one-label", label)."""
    p, plen, _ = GOOD
    bad_nh = lambda nh: update(mp_reach(vpn_nlri([700 << 4 | 1], RD66, "10.67.1.0", 24), next_hop=nh))
    hdr = lambda length, typ: MARKER + struct.pack("!HB", length, typ)
    return [
        ("bad marker (RFC 4271 6.1)", b"\x00" * 16 + struct.pack("!HB", 19, KEEPALIVE), ("notify", 1, 1)),
        ("length over 4096 (RFC 4271 6.1)", hdr(5000, UPDATE), ("notify", 1, 2)),
        ("KEEPALIVE with a body (RFC 4271 6.1)", hdr(20, KEEPALIVE) + b"\x00", ("notify", 1, 2)),
        ("unknown message type 9 (RFC 4271 6.1)", hdr(19, 9), ("notify", 1, 3)),
        (
            "ORIGIN of 2 bytes (RFC 7606 7.1: treat-as-withdraw)",
            update(mp_reach(vpn_nlri([GOOD[2] << 4 | 1], RD66, p, plen)), origin=attr(0x40, 1, b"\x00\x00")),
            ("withdraw",),
        ),
        (
            "LOCAL_PREF of 3 bytes (RFC 7606 7.5: treat-as-withdraw)",
            update(mp_reach(vpn_nlri([GOOD[2] << 4 | 1], RD66, p, plen)), local_pref=attr(0x40, 5, b"\x00\x00\x64")),
            ("withdraw",),
        ),
        (
            "label without the S bit (RFC 8277 2.2: the one-label route it encodes)",
            update(mp_reach(vpn_nlri([701 << 4], RD66, "10.66.1.0", 24))),
            ("one-label", "65000:66", "10.66.1.0/24", "701"),
        ),
        (
            "two labels without the Multiple Labels capability (RFC 8277 2.2)",
            update(mp_reach(vpn_nlri([702 << 4, 703 << 4 | 1], RD66, "10.67.2.0", 24))),
            ("notify", 3, 9),
        ),
        (
            "VPN prefix length 200 (RFC 4760 7)",
            update(mp_reach(vpn_nlri([704 << 4 | 1], RD66, "10.67.3.0", 24, bits=200) + bytes(12))),
            ("notify", 3, 9),
        ),
        ("MP_REACH_NLRI next hop of 7 bytes (RFC 7606 7.11)", bad_nh(bytes(7)), ("notify", 3, 9)),
        ("MP_REACH_NLRI next hop of 4 bytes (RFC 7606 7.11)", bad_nh(socket.inet_aton(NEXT_HOP)), ("notify", 3, 9)),
        (
            "an NLRI GoBGP v3.37's parser panics on (guard)",
            message(UPDATE, b"\x00\x00\x00 \x80\x0e \x00\x01\x80\x0c0000000000000Y0010000000000\x00"),
            ("notify", 3, None),
        ),
    ]


def run_cases(args, model, others):
    me = Router("raw1", args.address, args.listen, "10.255.0.54")
    baseline = model.sessions("raw1")
    down = [s for s in baseline if ": Established" not in s]
    say(f"other BGP sessions of RR1, PE1 and PE2: {len(baseline)}, not established: {down or 'none'}")

    def wait_down():
        # The next connection must not collide with the session just ended.
        wait_until("raw1's session is down", lambda: not any(
            r["neighbor"] == "raw1" and r["state"].startswith("Established") for r in model.show(args.peer_of, "bgp")))

    def others_fine(what):
        check(model.sessions("raw1") == baseline, f"{what}: every other session of the model is as it was")
        check(model.bad_routes() == [], f"{what}: no bad route in RR1, PE1 or PE2 ({model.bad_routes()})")
        for o in others:
            check(o.drain(), f"{what}: {o.name}'s session is still up")
            bad = [r for r in o.received if r[1].startswith("10.67.") or r[1] == "0.0.0.0/0" or r[0] == "0:0" or len(r[2]) != 1]
            check(not bad, f"{what}: {o.name} received no bad route ({bad})")

    def pes_hold_good():
        # Reflected by RR1 to both PEs (and shown there as unresolved).
        return model.holds("PE1", "65000:66", "10.66.0.0/24", "RR1") and model.holds("PE2", "65000:66", "10.66.0.0/24", "RR1")

    def gone_everywhere(prefix):
        return not any(model.holds(n, "65000:66", prefix) for n in ("RR1", "PE1", "PE2"))

    # UPDATE before OPEN: FSM Error (RFC 4271 8.2.2, RFC 6608 subcode 1).
    say("case: an UPDATE before the OPEN (RFC 4271 8.2.2, RFC 6608)")
    me.connect()
    me.send(good_update())
    got = me.read_closed()
    check(got == (5, 1), f"UPDATE before OPEN: NOTIFICATION {got}, want (5, 1) FSM Error")
    wait_down()
    others_fine("UPDATE before OPEN")

    # A connection from another address: Cease / Connection Rejected.
    say("case: a connection from another address (RFC 4486)")
    stranger = Router("stranger", "127.0.0.99", args.listen, "10.255.0.99").connect()
    got = stranger.read_closed()
    check(got == (6, 5), f"connection from 127.0.0.99: NOTIFICATION {got}, want (6, 5) Cease, Connection Rejected")

    for name, data, want in cases(args.peer_of):
        say("case: " + name)
        me.establish()
        me.send(good_update())
        if not wait_until("both PEs hold the good route", pes_hold_good):
            continue
        check(True, "the good route 65000:66 10.66.0.0/24 reached RR1, PE1 and PE2")
        me.send(data)
        if want[0] == "notify":
            got = me.read_closed()
            ok = got is not None and got[0] == want[1] and (want[2] is None or got[1] == want[2])
            check(ok, f"NOTIFICATION {got}, want ({want[1]}, {want[2] if want[2] is not None else 'any'})")
            wait_until("the session's routes are withdrawn", lambda: gone_everywhere("10.66.0.0/24"))
            check(gone_everywhere("10.66.0.0/24"), "the reset withdrew the good route from RR1, PE1 and PE2")
        elif want[0] == "withdraw":
            wait_until("the route is withdrawn", lambda: gone_everywhere("10.66.0.0/24"))
            check(gone_everywhere("10.66.0.0/24"), "treat-as-withdraw: the route is gone from RR1, PE1 and PE2")
            check(me.drain(), "the session stays up (no NOTIFICATION)")
            me.close()
        else:
            _, rd, prefix, label = want
            wait_until("RR1 holds the one-label route", lambda: model.holds("RR1", rd, prefix, "raw1"))
            rows = [r for r in model.vpn("RR1") if r["prefix"] == prefix and r["from"] == "raw1"]
            check(len(rows) == 1 and rows[0]["rd"] == rd and rows[0]["label"] == label,
                  f"RR1 holds {prefix} as RD {rd} label {label}: {[(r['rd'], r['label']) for r in rows]}")
            check(me.drain(), "the session stays up")
            me.close()
            wait_until("its routes are withdrawn", lambda: gone_everywhere(prefix) and gone_everywhere("10.66.0.0/24"))
        wait_down()
        others_fine(name)

    # Hold timers (RFC 4271 4.2, 4.4, 6.5): offered 3 s, vpnsim sends a
    # KEEPALIVE every second; silent for 3 s, raw1 gets Hold Timer Expired.
    say("case: hold time 3 s, then silence (RFC 4271 6.5)")
    me.establish(hold=3)
    me.send(good_update())
    wait_until("both PEs hold the good route", pes_hold_good)
    keepalives, last_sent = [], time.monotonic()
    while len(keepalives) < 4:
        m = me.read(timeout=WAIT)
        if m is None or m[0] == NOTIFICATION:
            check(False, f"the session ended while raw1 answered every KEEPALIVE: {m}")
            break
        if m[0] == KEEPALIVE:
            keepalives.append(time.monotonic())
            me.send(message(KEEPALIVE, b""))
            last_sent = time.monotonic()
    gaps = [b - a for a, b in zip(keepalives, keepalives[1:])]
    check(gaps and max(gaps) < 2.0, f"vpnsim's KEEPALIVEs come a third of the 3 s hold time apart: gaps {['%.2f' % g for g in gaps]} s")
    got = me.read_closed()
    took = time.monotonic() - last_sent
    check(got == (4, 0), f"silent: NOTIFICATION {got}, want (4, 0) Hold Timer Expired")
    check(2.9 <= took <= 6.0, f"dropped {took:.1f} s after raw1's last message (hold time 3 s)")
    wait_until("its routes are withdrawn", lambda: gone_everywhere("10.66.0.0/24"))
    check(gone_everywhere("10.66.0.0/24"), "the expiry withdrew the good route from RR1, PE1 and PE2")
    wait_down()
    others_fine("hold timer")

    # A second connection while established: Cease / Connection Collision
    # Resolution (RFC 4271 6.8); the established session stays.
    say("case: a second connection while the session is established (RFC 4271 6.8)")
    me.establish()
    me.send(good_update())
    wait_until("both PEs hold the good route", pes_hold_good)
    second = Router("raw1-second", args.address, args.listen, "10.255.0.54").connect()
    second.send(open_message("10.255.0.54"))
    got = second.read_closed()
    check(got == (6, 7), f"second connection: NOTIFICATION {got}, want (6, 7) Cease, Connection Collision Resolution")
    check(me.drain() and pes_hold_good(), "the established session stays, with its route")
    others_fine("collision")
    return me


def standalone(args):
    """Starts vpnsim serve on classic with raw1 and raw2, both clients of RR1."""
    tmp = tempfile.mkdtemp(prefix="vpnsim-malformed.")
    ports = []
    for _ in range(3):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        ports.append(s.getsockname()[1])
        s.close()
    args.server = f"127.0.0.1:{ports[0]}"
    args.listen = f"127.0.0.1:{ports[1]}"
    args.address = "127.0.0.54"
    listen2 = f"127.0.0.1:{ports[2]}"
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "topologies", "classic.yaml")) as f:
        topo = f.read()
    topo += (
        "\nexternal-peers:\n"
        f"  - {{name: raw1, address: 127.0.0.54, peer-of: RR1, listen: {args.listen}}}\n"
        f"  - {{name: raw2, address: 127.0.0.55, peer-of: RR1, listen: {listen2}}}\n"
    )
    path = os.path.join(tmp, "topology.yaml")
    with open(path, "w") as f:
        f.write(topo)
    say(f"starting vpnsim serve {path} --listen {args.server} (raw1 at {args.listen}, raw2 at {listen2})")
    log = open(os.path.join(tmp, "serve.log"), "w")
    serve = subprocess.Popen([args.vpnsim, "serve", path, "--listen", args.server], stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
    try:
        model = Model(args.vpnsim, args.server)
        if not wait_until("vpnsim serve answers", lambda: serve.poll() is None and subprocess.run(
                [args.vpnsim, "show", "--server", args.server, "RR1", "bgp"], capture_output=True).returncode == 0):
            return
        raw2 = Router("raw2", "127.0.0.55", listen2, "10.255.0.55")
        raw2.establish()
        raw2.echo = True
        wait_until("raw2 is established", lambda: any(
            r["neighbor"] == "raw2" and r["state"].startswith("Established") for r in model.show("RR1", "bgp")))
        me = run_cases(args, model, [raw2])
        # The good route reached raw2, reflected: the other peer does get
        # what a well-behaved peer sends.
        raw2.drain()
        check(any(r[1] == "10.66.0.0/24" for r in raw2.received), "raw2 received raw1's good route, reflected by RR1")
        # RR1 fails in the model: both get Cease / Administrative Shutdown.
        say("case: RR1 fails in the model (RFC 4486)")
        subprocess.run([args.vpnsim, "fail", "node", "RR1", "--server", args.server], capture_output=True, check=True)
        for r in (me, raw2):
            got = r.read_closed()
            check(got == (6, 2), f"{r.name}: NOTIFICATION {got}, want (6, 2) Cease, Administrative Shutdown")
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        try:
            serve.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
        log.close()
        if failures:
            with open(os.path.join(tmp, "serve.log")) as f:
                say("---- vpnsim serve's output\n" + f.read())
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(
        description="Send every class of malformed BGP input to vpnsim serve and check what it does (docs/real-peers.md, section 5).",
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--vpnsim", required=True, metavar="BIN", help="the vpnsim binary (bin/vpnsim after make build)")
    ap.add_argument("--server", metavar="ADDR:PORT", help="a running vpnsim serve's control API; without it the script starts one")
    ap.add_argument("--listen", metavar="ADDR:PORT", help="with --server: where the external peer is accepted")
    ap.add_argument("--address", metavar="ADDR", help="with --server: the external peer's own address (127.x)")
    ap.add_argument("--peer-of", default="RR1", metavar="NODE", help="with --server: the route reflector it peers with (default RR1)")
    args = ap.parse_args()
    if args.server and not (args.listen and args.address):
        ap.error("--server needs --listen and --address: the external peer the running serve has")
    try:
        if args.server:
            run_cases(args, Model(args.vpnsim, args.server), []).close()
            # Leave nothing behind: its session is closed, its routes gone.
            model = Model(args.vpnsim, args.server)
            wait_until("raw1's routes are withdrawn", lambda: not any(
                model.holds(n, "65000:66", "10.66.0.0/24") for n in ("RR1", "PE1", "PE2")))
        else:
            standalone(args)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
        check(False, f"stopped: {e}")
    if failures:
        say(f"malformed-peer: {len(failures)} check(s) failed:")
        for f in failures:
            say("  " + f)
        return 1
    say("malformed-peer: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
