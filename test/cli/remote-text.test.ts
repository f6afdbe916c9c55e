// Text a peer chooses (its user agent, its DISCONNECT message) reaches the operator's terminal escaped:
// a raw peer on loopback sends ESC sequences and bidi overrides; `peers`, `explain`, `bans`, `status`
// (plain and --json) and the daemon's own log print no control character but newline.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { eventually, startDaemon, type Daemon } from '../helpers/daemon.js';
import { rawFrame } from '../helpers/raw-frame.js';

/** What a terminal acts on: C0 but newline, DEL, C1, the bidi marks, embeddings, overrides and isolates, the line separators. */
// eslint-disable-next-line no-control-regex -- the characters under test
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const AGENT = 'ua\x1b]0;pwned\x07\x1b[2J\u202eevil\u009b31m';
const GOODBYE = '\x1b[2J\x1b[H evil\u202e\nforged 2026-01-01 line';


/** A peer written from docs/protocol.md over plain TCP: HELLO with `agent`, AUTH, then whatever the test sends. */
async function rawPeer(ip: string, port: number, network: string, agent: string) {
  const netId = createHash('sha256').update(`peerwarden/${network}`).digest();
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const nodeId = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(Date.now()));
  const ua = Buffer.from(agent);
  const hello = Buffer.concat([Buffer.from([0, 1]), netId, nodeId, Buffer.alloc(32, 9), time, Buffer.from([0, 0]), Buffer.alloc(8), Buffer.from([ua.length]), ua]);
  const socket: Socket = connect(port, ip);
  socket.on('error', () => {});
  const frames: { type: number; body: Buffer }[] = [];
  let buf = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
      const len = buf.readUInt32BE(0);
      frames.push({ type: buf[4]!, body: buf.subarray(5, 4 + len) });
      buf = buf.subarray(4 + len);
      waiters.splice(0).forEach((w) => w());
    }
  });
  const waitFor = (type: number) =>
    new Promise<Buffer>((resolve, reject) => {
      const check = () => {
        const f = frames.find((x) => x.type === type);
        if (f) return resolve(f.body);
        if (frames.some((x) => x.type === 0x07)) return reject(new Error(`the node sent DISCONNECT: ${frames.find((x) => x.type === 0x07)!.body.toString()}`));
        waiters.push(check);
      };
      check();
    });
  await new Promise((r) => socket.once('connect', r));
  socket.write(rawFrame(0x01, hello));
  const theirs = await waitFor(0x01);
  // Signed: label, network, the node's nonce, our id, and the channel binding (zeros over plain TCP).
  socket.write(rawFrame(0x02, sign(null, Buffer.concat([Buffer.from('peerwarden-auth-v1'), netId, theirs.subarray(66, 98), nodeId, Buffer.alloc(32)]), privateKey)));
  await waitFor(0x02);
  return {
    id: nodeId.toString('hex'),
    /** DISCONNECT with reason 0 (none) and `message`, then close. */
    goodbye(message: string) {
      const text = Buffer.from(message);
      socket.end(rawFrame(0x07, Buffer.concat([Buffer.from([0, 0, text.length]), text])));
    },
  };
}

describe('peer text on the terminal', () => {
  let d: Daemon;
  let peerId: string;
  const cli = async (...args: string[]) => {
    const r = await runCli([...args, '--api', d.api, '--token', d.token]);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    d = await startDaemon('127.74.0.1', ['--encryption', 'none']);
  }, 30_000);
  afterAll(async () => {
    await d?.stop();
  });

  it('escapes a user agent with ESC sequences while the peer is connected', async () => {
    const [ip, port] = [d.listen.replace(/:\d+$/, ''), Number(d.listen.replace(/^.*:/, ''))];
    const peer = await rawPeer(ip, port, 'itest', AGENT);
    peerId = peer.id;
    await eventually(async () => ((await d.http('GET', `/api/v1/peers/${peerId}`)).json as { connected?: boolean }).connected, 10_000, 'the raw peer connected');
    const outputs = [await cli('peers'), await cli('peers', '--json'), await cli('explain', peerId.slice(0, 12)), await cli('explain', peerId, '--json'), await cli('status')];
    for (const out of outputs) expect(out).not.toMatch(ACTIVE);
    expect(outputs[2]).toContain('agent ua\\x1b]0;pwned\\x07\\x1b[2J\\u202eevil\\x9b31m');
    // JSON output stays the same JSON value.
    expect((JSON.parse(outputs[1]!) as { peers: { userAgent: string }[] }).peers[0]!.userAgent).toBe(AGENT);

    peer.goodbye(GOODBYE);
    await eventually(async () => !((await d.http('GET', `/api/v1/peers/${peerId}`)).json as { connected?: boolean }).connected, 10_000, 'the raw peer gone');
  }, 30_000);

  it('escapes the DISCONNECT message in explain and a ban reason in bans', async () => {
    const history = (await d.http('GET', `/api/v1/peers/${peerId}`)).json as { history: { reason?: string }[] };
    // The node kept the peer's words (the API is JSON, it need not escape); the terminal gets them escaped.
    expect(history.history.some((e) => e.reason?.includes('\x1b[2J'))).toBe(true);
    expect((await d.http('POST', '/api/v1/bans', { target: peerId, reason: `copied from the log: ${GOODBYE}` }, true)).status).toBe(201);
    const outputs = [await cli('explain', peerId), await cli('explain', peerId, '--json'), await cli('bans'), await cli('bans', '--json'), await cli('status')];
    for (const out of outputs) expect(out).not.toMatch(ACTIVE);
    const explain = outputs[0]!;
    expect(explain).toContain('\\x1b[2J\\x1b[H evil\\u202e\\x0aforged 2026-01-01 line');
    // The message's newline did not start a line of its own.
    expect(explain.split('\n').some((l) => l.startsWith('forged'))).toBe(false);
    expect(outputs[2]).toContain('copied from the log: \\x1b[2J');
  });

  it('keeps the daemon\u2019s JSON log free of raw C1 and bidi characters', () => {
    const log = d.run.stdout();
    expect(log).toMatch(/peer:disconnected|disconnected/);
    expect(log.replace(/\n/g, '')).not.toMatch(ACTIVE);
  });
});
