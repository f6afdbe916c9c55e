// The penalty scale (fatal/high/mid/low) and the table of which offence costs what, with the reason for each.
//
// The layer that detects an offence names it with one member of `Offence` (a key of the table
// below) and nothing else: severity lives only here, so the table, the docs and what the node does
// cannot disagree. Applications report through `node.reportPeer` with a severity of their own. The scale is Lighthouse's (a 10-minute
// half-life on [-100, 100], disconnect at -20, ban at -50), so the counts below follow from it:
// one fatal offence bans; five high ones in quick succession ban; ten mid; fifty low.

/** How bad an offence is. Points: fatal -100, high -10, mid -5, low -1. */
export type Penalty = 'fatal' | 'high' | 'mid' | 'low';

/** What a report can say: a penalty, or that the peer did something useful. */
export type ReportKind = Penalty | 'useful';

export const PENALTY_POINTS: Readonly<Record<Penalty, number>> = Object.freeze({
  // A fatal offence is proof of malice or of an incompatible implementation: score to the floor, ban at once.
  fatal: -100,
  // About five high offences within a half-life reach the ban threshold: things an honest peer does not do.
  high: -10,
  // About ten: things a buggy or overloaded honest peer might do now and then.
  mid: -5,
  // About fifty: noise an honest peer produces under load (a timeout, a late answer).
  low: -1,
});

/**
 * Points for a 'useful' report (a valid message we wanted). Small on purpose: Lighthouse removed
 * positive scoring because a peer could bank goodwill and then misbehave. Here goodwill is capped
 * (USEFUL_SCORE_CAP) so it buys tolerance for a few low offences, never for a fatal or a run of high ones.
 */
export const USEFUL_POINTS = 1;

/** The highest score 'useful' reports can lift a peer to. */
export const USEFUL_SCORE_CAP = 20;

export const PENALTY_KINDS: readonly Penalty[] = ['fatal', 'high', 'mid', 'low'];

export function isPenalty(x: unknown): x is Penalty {
  return x === 'fatal' || x === 'high' || x === 'mid' || x === 'low';
}

/** An offence the node's own layers detect, with its severity and the reason it has that severity. */
export interface OffenceRule {
  readonly penalty: Penalty;
  readonly why: string;
}

/**
 * The offences peerwarden's own layers report. Keys are the reason strings they pass along, so the
 * peer history reads the same words. Offences before the handshake completes have no node id to
 * score: the reputation layer discourages the address instead (see Reputation.report).
 */
export const OFFENCES = Object.freeze({
  'bad-signature': {
    penalty: 'fatal',
    why: 'the AUTH signature does not verify: the peer claims a node id whose key it does not hold (impersonation)',
  },
  'malformed-message': {
    penalty: 'fatal',
    why: 'a frame body that does not parse: no correct implementation sends it, so it is an attack or incompatible software',
  },
  'oversized-frame': {
    penalty: 'fatal',
    why: 'a frame over the limit is an attempt to make us buffer megabytes; honest peers respect maxFrameBytes',
  },
  'handshake-violation': {
    penalty: 'fatal',
    why: 'a second HELLO, AUTH before HELLO, or any message before AUTH: the handshake is fixed, breaking it is deliberate',
  },
  'addr-too-many': {
    penalty: 'high',
    why: 'an ADDR with more than 1000 entries (Bitcoin Core treats it as misbehaviour): a book-flooding attempt. The connection is closed (the frame cannot be trusted), but one such frame does not ban: an honest peer running a newer version with a larger limit should reconnect, not be shut out',
  },
  'unknown-message-type': {
    penalty: 'mid',
    why: 'a type below 0x80 we do not know: a protocol violation, though possibly a newer peer with a bug, so not fatal',
  },
  'ping-flood': {
    penalty: 'mid',
    why: 'PINGs faster than the per-peer limit (1 per second over a burst of 5): each costs a PONG, so a flood is a cheap way to make us spend CPU and memory. Reported at most once per second while it lasts, so a sustained flood is disconnected within seconds and banned soon after',
  },
  'too-many-requests': {
    penalty: 'mid',
    why: 'more than 64 outstanding requests: the peer ignores back-pressure and makes us do work it did not pace',
  },
  'duplicate-request-id': {
    penalty: 'mid',
    why: 'a REQUEST reusing an id we are still answering: a buggy peer could do it once, a hostile one to confuse matching',
  },
  'repeated-getaddr': {
    penalty: 'low',
    why: 'GETADDR answered once per connection; asking again is how scrapers map the book (ignored, lightly counted)',
  },
  'unsolicited-response': {
    penalty: 'low',
    why: 'a RESPONSE matching no request we sent: a confused peer, occasionally probing',
  },
  'late-response': {
    penalty: 'low',
    why: 'a RESPONSE arriving after its request timed out: the peer is slow, not malicious',
  },
  'request-timeout': {
    penalty: 'low',
    why: 'a request not answered in time: an overloaded honest peer does this now and then, a useless one often',
  },
  'ping-timeout': {
    penalty: 'low',
    why: 'pongs missed: the link or the peer is failing; the connection is dropped anyway after 3 misses',
  },
  'unexpected-pong': {
    penalty: 'low',
    why: 'a PONG whose nonce matches no PING we sent: harmless but wrong',
  },
  slow: {
    penalty: 'low',
    why: 'the peer stopped reading and its outbound queue passed the high-water mark (or the node-wide budget): it is dropped at once and its address backs off; low because a congested honest link looks the same, but repeated slowness adds up',
  },
} satisfies Record<string, OffenceRule>);

/** Every offence the node's own layers can detect: the one vocabulary from the wire to the ban. */
export type Offence = keyof typeof OFFENCES;

/** True when `x` names an offence of the table. */
export function isOffence(x: unknown): x is Offence {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(OFFENCES, x);
}

/**
 * Things that end a connection but cost nothing, listed so the wire layer does not invent
 * penalties for them: a different network or protocol version (misconfiguration, not malice),
 * a self-connection, a graceful DISCONNECT, and ADDR entries beyond the rate limit (dropped and
 * counted, as Core does).
 */
export const NOT_PENALISED = Object.freeze(['wrong-network', 'unsupported-version', 'self-connection', 'goodbye', 'addr-rate-limited'] as const);

/** The severity of a known offence. */
export function penaltyFor(offence: Offence): Penalty {
  return OFFENCES[offence].penalty;
}

/** The points a report adds to a score (negative for penalties). */
export function pointsFor(kind: ReportKind): number {
  return kind === 'useful' ? USEFUL_POINTS : PENALTY_POINTS[kind];
}
