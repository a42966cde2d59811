// Package bgp runs the BGP of one simulated network: an embedded GoBGP v3
// speaker for every PE, route reflector and eBGP-speaking CE (and one per PE
// attachment that talks eBGP to a CE), real TCP sessions between them on
// 127.0.0.0/8, session control driven by the simulator, and convergence
// detection from the speakers' own state.
//
// # Speakers
//
// A Fabric owns the speakers and sessions of one network. AddSpeaker starts
// a GoBGP server that listens on its own random address in 127.0.0.0/8
// (never 127.0.0.1, never in 127.0.0.0/16) on the fabric's port (1179 by
// default); when the bind fails it tries another address, so any number of
// fabrics in one process, and test processes running in parallel, do not
// collide. Linux routes all of 127.0.0.0/8 to the loopback interface, so no
// address needs configuring. The model's loopbacks appear only inside BGP:
// as router IDs, cluster IDs, next hops and ORIGINATOR_IDs. They are never
// socket addresses.
//
// Every server runs with the same best-path options (external-compare-
// router-id on, so arrival order never decides). GoBGP's StartBgp writes
// those options into package-level variables that every server's main loop
// reads; to keep that free of data races, StartBgp runs while every other
// speaker in the process is parked inside GoBGP's timing hook.
//
// # Sessions and the relay
//
// AddSession configures both speakers with the other as a passive
// neighbour: neither ever dials. The session starts down. SetUp(true) asks
// the fabric to bring it up, and a controller goroutine per session does
// (controller.go; an external peer's session has the same controller):
//
//  1. wait until GoBGP has both neighbours' FSMs in Active (a connection
//     that reaches an FSM still in Idle is closed by GoBGP: "Closed an
//     accepted connection", fsm.go);
//  2. dial A's listener from B's address and B's listener from A's address
//     (port 0): each speaker sees a connection from its neighbour's address,
//     as if the neighbour had dialled;
//  3. relay bytes between the two connections, whole BGP messages at a
//     time, counting UPDATEs in each direction.
//
// This avoids GoBGP's random 1 to 2 s first-dial wait: a session is
// Established a few milliseconds after SetUp(true). SetUp(false) closes the
// relay's connections, waits until GoBGP has taken both from its accept
// queue and neither FSM is in the OPEN exchange (a stale connection would
// otherwise reach the new neighbour, and GoBGP leaks a goroutine when it
// deletes an FSM with an unread OPEN-exchange message), and then deletes
// and re-adds both neighbours: that withdraws every route learned over the
// session at once, before the session stops counting as up, and leaves
// fresh FSMs that go straight back to Active (a session that merely
// dropped would sit out GoBGP's hard-coded 5 s idle hold). So a restored
// session is Established again within milliseconds too. Every SetUp(false)
// takes effect, even one followed by SetUp(true) before the fabric acted. Sessions use a 90 s hold time:
// in the model a session never goes down by itself, only when the simulator
// says so. If a speaker closes a session by itself (a NOTIFICATION, a
// malformed message), the controller records why (SessionState.LastError),
// resets both neighbours and dials again after 250 ms.
//
// # External peers
//
// AddExternalPeer lets a BGP router outside the model (FRR, GoBGP, a lab
// router) peer with one speaker over VPNv4. The fabric opens a listening
// socket of its own at the fixed address and port given (in 127.0.0.0/8,
// so a real router can be configured for it); the speaker keeps listening
// only on its own address. A connection from any address but the router's
// is refused with a Cease NOTIFICATION (Connection Rejected) and logged, as
// is one while the peer is set down (its speaker is down in the model).
// The router's connection is relayed like a simulated session: the fabric
// dials the speaker's listener from the router's own address, so GoBGP
// sees its configured neighbour: passive, VPNv4, a route-reflector client
// when the speaker has a cluster ID and a plain iBGP neighbour otherwise.
// When the session ends, the neighbour is deleted and re-added, which
// withdraws every route learned from the router at once. A second
// connection from the router while its session is Established is refused
// with a Cease NOTIFICATION (Connection Collision Resolution, RFC 4271
// section 6.8: the established session stays); one that arrives before
// the session is established replaces the connection in progress. When
// the speaker's node goes down in the model, the router gets a Cease
// NOTIFICATION (Administrative Shutdown, RFC 4486) before the connection
// closes, as from a router that is shut down. The router's first message
// must be its OPEN: anything else gets an FSM Error NOTIFICATION (RFC
// 6608, Receive Unexpected Message in OpenSent State).
//
// A hostile router harms only its own session. The relay checks every
// message header in both directions (RFC 4271 section 6.1): a bad marker,
// a length outside 19 to 4096 or wrong for the type, or an unknown type
// gets the Message Header Error NOTIFICATION with the right subcode and
// data, and the session is reset (GoBGP checks neither the marker nor the
// largest length, and would wait for a body of up to 64 KiB). A malformed
// attribute in an UPDATE is GoBGP's to handle, with RFC 7606's revised
// error handling (on by default for neighbours added through its API): an
// UPDATE with a malformed ORIGIN, AS_PATH, LOCAL_PREF, MED, extended
// communities and so on is treated as withdraw, the session stays up. An
// UPDATE that GoBGP's own parser would panic on (v3.37 does so on some
// malformed NLRI, and its FSM does not recover: the process would die) is
// caught first: the relay parses every UPDATE from a router with GoBGP's
// parser, and one that panics resets the session with an UPDATE Message
// Error NOTIFICATION (gobgpParses). A
// router that never reads blocks only its relay's writer; GoBGP queues
// per neighbour.
//
// Settled does not wait for external sessions to come up, and cannot
// compare what a router holds. For an external session GoBGP has in
// Established it checks only that every UPDATE the relay read from the
// router has been written to the speaker and counted by its GoBGP
// (received or, treated as withdraw, discarded). So a router that is not
// connected, or reads slowly, or never, does not hold the model up; one
// that keeps sending does, as any moving network would. Settled can
// return just before the speaker's main loop takes in the last UPDATE it
// counted; Changed fires when it does.
//
// # Settled
//
// Settled is true when the network has converged, judged from the
// speakers' own state, never from time:
//
//   - every session is in its desired state: Established (in GoBGP on both
//     ends, relay running) if set up, closed otherwise;
//   - nothing is in the relays: each has written all it read;
//   - nothing is left to send or to process, proved by settle markers
//     (marker.go): every session also carries GoBGP's opaque family, in
//     which each speaker originates one marker path holding a sequence
//     number. A marker round replaces every speaker's marker and waits
//     until every receiver holds it from every sender: GoBGP queues a
//     marker behind everything it had decided to send, and the receiver
//     handles it after everything that came before it on the session, so
//     a complete round means every queue has been written and handled up
//     to the moment the round began. Two complete rounds in a row with no
//     work anywhere meanwhile (no message but markers crossed a relay,
//     nothing local changed, no session moved) mean every speaker had
//     handled all its input before the second round began, and that
//     anything this produced would have crossed a relay before it ended:
//     nothing did, so nothing is queued or in process. Receivers reject
//     markers by import policy, so no marker reaches a Loc-RIB or goes
//     further; Changed does not fire for them;
//   - unless Options.NoRIBAudit is set, the RIB audit: for each direction
//     and each family the session carries (its Family, and l2vpn-evpn
//     with SessionConfig.EVPN), what the sender would advertise now (GoBGP's Adj-RIB-Out toward the
//     receiver, which GoBGP computes from its Loc-RIB on demand, with its
//     export rules applied) equals what the receiver holds from the sender
//     (its Adj-RIB-In). Paths are compared whole: the NLRI with its label,
//     the next hop and every path attribute, in wire form (the attributes
//     by a 128-bit digest of their bytes, see wireDigest). On a quiet
//     network a difference is an inconsistency inside GoBGP, such as a
//     withdrawal it lost; Settled stays false and names it.
//
// The receiver's Adj-RIB-In holds what it rejected as well: GoBGP keeps a
// path whose ORIGINATOR_ID is the receiver's own router ID, or whose
// AS_PATH holds the receiver's AS, in the Adj-RIB-In marked rejected and
// keeps it out of the Loc-RIB. The other loop rules work on the sending
// side, where the Adj-RIB-Out already applies them: no path goes back to
// the peer it came from, no path goes to an eBGP peer whose AS is in its
// AS_PATH, and a reflector does not reflect a path carrying its own
// CLUSTER_ID. So what the receiver rightly drops needs no exception: both
// sides agree on it, and a correct network always passes the audit. One
// that does not has a real inconsistency, and Settled's message names the
// first one ("PE2 has 3 of 5 paths from RR1 and holds 3 (…; first:
// 65000:1:10.1.0.0/24 not received)").
//
// A check describes the fabric at one moment during the call; a route
// added concurrently may come after that moment. External sessions carry
// no markers (a router does not speak the opaque family): see above for
// what Settled checks on them.
//
// The checks run cheapest first: the relays' own counters (no GoBGP
// call), then the markers (one AddPath per speaker and one listing of a
// one-path table per direction; nothing that walks a large table in a
// speaker's main loop, which would hold up its work), then the audit. The audit costs about as much as GoBGP listing the
// tables, and an Adj-RIB-Out is dearer than its size: GoBGP computes it
// from the whole Loc-RIB, cloning every best path and applying the export
// policy, so a reflector's Adj-RIB-Out toward a route-target-filtered
// client costs its whole Loc-RIB. It compares a direction again only when
// one of its two speakers did work since the direction was last found in
// sync, compares directions of different speakers in parallel, and does
// not repeat a failed comparison while nothing moves. A caller that
// settles often can leave the audit out (Options.NoRIBAudit) and ask for
// it when it matters (Audited, WaitAudited): the simulator audits once
// per convergence, on the final state. WaitSettled re-checks whenever the
// fabric reports activity and on a 10 ms ticker, but after a check that
// took d it waits 2d before the next, so checking a busy fabric takes at
// most a third of the time; the answer always comes from Settled.
//
// # Route reflection in GoBGP
//
// GoBGP's decision process compares the sending peer's router ID and
// ignores ORIGINATOR_ID and CLUSTER_LIST length (RFC 4456 section 9). Toward
// a non-client it strips ORIGINATOR_ID and CLUSTER_LIST, and it loses
// withdrawals between two reflectors that peer as non-clients: when a
// reflector's best path moves from a client's path to the other
// reflector's copy, it neither sends the new path (iBGP from a non-client)
// nor withdraws the old one, so each reflector keeps the other's stale copy
// and a withdrawn route lives on (seen here with two reflectors whose
// router IDs are below their clients').
//
// So for a session between two route reflectors of one AS that are not
// each other's clients (BIsRRClientOfA false, both with a ClusterID), the
// fabric configures each as the other's client, where GoBGP adds
// ORIGINATOR_ID and CLUSTER_LIST and withdraws toward the peer a new best
// path came from, and gives each reflector an import policy that sets
// LOCAL_PREF to ReflectedLocalPref (90) on paths learned from another
// reflector: a reflector's own clients' paths always win, as the shorter
// CLUSTER_LIST would under RFC 4456. A PE that learns a route only through
// a second reflector sees LOCAL_PREF 90 on it. Tested with two and three
// reflectors, PEs clients of one or of both, and routes withdrawn.
//
// A reflector with SpeakerConfig.Decides needs none of this: GoBGP keeps
// what it receives out of its Loc-RIB and sends only what the caller
// chooses (decide.go), so the caller compares CLUSTER_LIST lengths itself
// and no LOCAL_PREF stand-in is installed. The simulator's reflectors all
// decide this way.
//
// # EVPN
//
// A session with SessionConfig.EVPN (VPNv4 sessions only: PE–RR, RR–RR,
// PE–PE) also carries l2vpn-evpn (AFI 25, SAFI 70, family L2VPNEVPN).
// AddEVPN and DeleteEVPN originate and withdraw EVPN routes, EVPNPaths
// lists the Loc-RIB's (every path, best or not, sorted by type, RD, ESI,
// Ethernet Tag, MAC, IP, next hop and sender). Route types 1 (Ethernet
// A-D per EVI, as EVPN VPWS uses it, RFC 8214 section 3, with the Layer 2
// Attributes extended community if asked), 2 (MAC/IP advertisement, RFC
// 7432 section 7.2) and 3 (inclusive multicast Ethernet tag, section 7.3,
// with the PMSI Tunnel attribute of RFC 6514 section 5: ingress
// replication, the originating router as tunnel ID, the flooding label)
// are built; types 4 and 5 (multi-homing, IP prefixes) are not. The
// label is written in the high-order 20 bits of its 3-octet field, with
// the bottom-of-stack bit set in the NLRI (as in a VPN-IPv4 NLRI, RFC
// 8277) and clear in the PMSI Tunnel attribute; reading ignores the low
// four bits. NLRI are built with GoBGP's constructors and read by a
// decoder of vpnsim's own that checks every length (evpnFromWire, fuzzed
// against GoBGP's), attributes by GoBGP's decoders.
//
// EVPN needs nothing of the model's own decision: reflectors reflect it
// by GoBGP's route reflection, including reflectors with
// SpeakerConfig.Decides, whose import policy rejects received VPNv4 paths
// only (ORIGINATOR_ID and CLUSTER_LIST added, next hop unchanged). Between
// two reflectors GoBGP's decision ignores CLUSTER_LIST length; on
// reflectors without Decides the LOCAL_PREF stand-in above applies to
// EVPN too, on reflectors with Decides nothing corrects it, so a
// reflector may prefer a fellow reflector's copy of its own client's
// route (the same NLRI, label and next hop; only the CLUSTER_LIST
// differs). Route-target filters (SessionConfig.AImports, BImports)
// apply to EVPN paths as to VPNv4 ones, as RFC 4684's route-target
// constraint covers every VPN family: the import list of a filtered
// neighbour must name its EVPN instances' import targets too. External
// peers never carry EVPN.
//
// GoBGP does part of RFC 7432 section 15 itself: a type 2 route a
// speaker originates for a MAC it already holds from another PE (same
// Ethernet Tag, a shared route target) gets a MAC Mobility extended
// community with the next sequence number (EVPNPath.MACMobility). With
// single-homing nothing is withdrawn by GoBGP: the caller withdraws the
// MAC where it moved away from.
//
// # AS paths
//
// Inside the AS no AS-path loop check applies (IOS, FRR): iBGP neighbours
// accept and send paths that carry the speaker's own AS, which a hub CE's
// re-advertised routes do. On eBGP a speaker always sends a path whose
// AS_PATH holds the neighbour's AS, and the neighbour's loop check decides
// (EBGPOptions: as-override, allowas-in).
//
// # Other GoBGP behaviour a caller should know
//
//   - Route reflectors leave the next hop of iBGP VPNv4 paths alone; eBGP
//     sets it to the sender's socket address (127.x.y.z) for paths it did
//     not originate. A PE attachment speaker originates what it sends to
//     its CE, so in the model next hops stay the model's addresses.
//   - LOCAL_PREF is absent on locally originated paths; GoBGP adds 100 when
//     sending over iBGP.
//   - GoBGP recognises "the peer a path came from" by router ID: two
//     speakers with the same router ID (a PE and its attachment speakers)
//     must not share a neighbour. An iBGP session between equal router IDs
//     is refused by AddSession.
//   - Best is GoBGP's choice; its last tie-break compares neighbour
//     addresses, which are random here, and it has no IGP-cost step. The
//     simulator never uses it: it runs its own decision and breaks ties
//     itself.
//   - Each AddPath becomes its own UPDATE; about 250 VPNv4 NLRI fit in one.
//   - GoBGP's Stop zeroes the global configuration while the FSM goroutines
//     of the neighbours it just deleted still read it (a data race), and
//     its Serve loop never returns. So Close deletes each speaker's
//     neighbours itself, waits until GoBGP's main loop has finished off
//     every deleted FSM (it logs "freed fsm.h" at debug level, which the
//     log adapter counts), then calls Stop, and finally unwinds the Serve
//     loop from the timing hook: Close leaves no goroutine behind and go
//     test -race stays quiet. (Each wait is bounded: 10 s for the OPEN
//     exchanges to end and again for the "freed fsm.h" lines, 2 s for the
//     unwinding; about one speaker in a thousand networks has a main loop
//     that takes no operation for up to a hold time after its neighbours
//     were deleted, and it then unwinds in the background as soon as the
//     loop moves, or is left after three hold times.)
//
// All of this lives behind one wall, gobgp.go: the only file that uses
// GoBGP's server package, its timing hook, the panic that leaves Serve and
// the log lines vpnsim watches; every wait there has a deadline (10 s for
// parking another speaker's main loop while one starts). Each GoBGP
// behaviour vpnsim relies on has a test named for it
// (gobgp_behaviour_test.go), so that an upgrade that changes one says
// which.
//
// # Logging
//
// GoBGP's log goes through an adapter: with Options.Verbose its warnings
// and errors reach Options.Logger, tagged with the speaker's name;
// otherwise nothing does. GoBGP's Info and Debug chatter is always dropped,
// as is its warning that a listener cannot set IP_TTL (some kernels refuse
// it; TTL security is never used) and anything it says while the fabric
// closes.
package bgp
