// Hostile peers over real loopback sockets (plain or TLS): PING floods that never read, silent squatters, /metrics scrapers.
//
// Shared by the hostile test suite (reduced sizes, seconds) and `npm run bench -- hostile` (full
// sizes). Every loop here is bounded by a deadline, and every address is on loopback.
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { generateIdentity, type NodeIdentity } from '../../src/net/identity.js';
import { CHANNEL_BINDING_LABEL } from '../../src/net/tls.js';
import { MessageType, PROTOCOL_VERSION } from '../../src/wire/constants.js';
import { encodePing } from '../../src/wire/control-codec.js';
import { FrameDecoder } from '../../src/wire/decoder.js';
import { authPayload, decodeHello, encodeAuth, encodeHello, networkIdOf } from '../../src/wire/handshake-codec.js';

export interface Target {
  host: string;
  port: number;
  encryption: 'tls' | 'none';
  network: string;
}

/** Opens a socket from `localAddress` (a loopback address: each attacker IP is its own /16 on 127/8). */
function open(t: Target, localAddress: string): Promise<Socket | TLSSocket> {
  return new Promise((resolve, reject) => {
    const raw = tcpConnect({ host: t.host, port: t.port, localAddress });
    const s = t.encryption === 'tls' ? tlsConnect({ socket: raw, rejectUnauthorized: false, minVersion: 'TLSv1.3' }) : raw;
    s.once('error', reject);
    s.once(t.encryption === 'tls' ? 'secureConnect' : 'connect', () => {
      s.off('error', reject);
      s.on('error', () => {});
      resolve(s);
    });
  });
}

/**
 * Connects and completes the HELLO/AUTH handshake by hand; resolves with the socket once the node's
 * AUTH has arrived, or rejects (refused, timed out after `timeoutMs`).
 */
export async function handshake(t: Target, localAddress: string, identity: NodeIdentity = generateIdentity(), timeoutMs = 10_000): Promise<Socket> {
  const socket = await open(t, localAddress);
  const exporter = (socket as TLSSocket).exportKeyingMaterial as unknown as (length: number, label: string) => Buffer;
  const binding = t.encryption === 'tls' ? new Uint8Array(exporter.call(socket, 32, CHANNEL_BINDING_LABEL)) : new Uint8Array(32);
  const networkId = networkIdOf(t.network);
  return new Promise<Socket>((resolve, reject) => {
    let sentAuth = false;
    const timer = setTimeout(() => fail(new Error('handshake timed out')), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const decoder = new FrameDecoder((type, body) => {
      if (type === MessageType.HELLO && !sentAuth) {
        sentAuth = true;
        const theirs = decodeHello(body);
        socket.write(encodeAuth(identity.sign(authPayload(networkId, theirs.nonce, identity.publicKey, binding))));
      } else if (type === MessageType.AUTH) {
        clearTimeout(timer);
        socket.removeAllListeners('data');
        socket.removeListener('close', onClose);
        resolve(socket);
      } else if (type === MessageType.DISCONNECT) {
        fail(new Error('refused by the node'));
      }
    }, 1 << 20);
    const onClose = () => fail(new Error('closed during the handshake'));
    socket.on('data', (d: Buffer) => decoder.push(d));
    socket.once('close', onClose);
    socket.write(
      encodeHello({ protocolVersion: PROTOCOL_VERSION, networkId, nodeId: identity.publicKey, nonce: randomBytes(32), timestampMs: Date.now(), listenPort: 0, services: 0n, userAgent: 'hostile' }),
    );
  });
}

/** PING frames back to back: what a flooder writes, 64 KiB at a time. */
function pingBlock(): Buffer {
  const one = encodePing(1n);
  const n = Math.floor((64 * 1024) / one.length);
  return Buffer.concat(Array.from({ length: n }, () => one));
}

export interface FloodStats {
  /** Sessions that completed a handshake. */
  sessions: number;
  /** Sessions the node closed while we flooded. */
  dropped: number;
  /** Handshakes the node refused (banned, no slot…). */
  refused: number;
  bytesSent: number;
}

/**
 * Slow readers: `perIp` sessions from each of `ips`, each writing PINGs as fast as the socket takes
 * them and never reading a byte, until `untilMs` (Date.now() clock). A session the node drops is
 * reopened (with a fresh identity) after `reopenMs`, so the pressure lasts.
 */
export async function pingFlood(t: Target, ips: string[], perIp: number, untilMs: number, reopenMs = 250): Promise<FloodStats> {
  const stats: FloodStats = { sessions: 0, dropped: 0, refused: 0, bytesSent: 0 };
  const block = pingBlock();
  const run = async (ip: string): Promise<void> => {
    while (Date.now() < untilMs) {
      let socket: Socket;
      try {
        socket = await handshake(t, ip, generateIdentity(), Math.max(100, untilMs - Date.now()));
      } catch {
        stats.refused++;
        await sleep(reopenMs);
        continue;
      }
      stats.sessions++;
      socket.pause(); // never read: every answer piles up on the node's side
      const closed = await new Promise<boolean>((resolve) => {
        let done = false;
        const finish = (byNode: boolean) => {
          if (done) return;
          done = true;
          clearTimeout(stop);
          resolve(byNode);
        };
        const stop = setTimeout(() => {
          socket.destroy();
          finish(false);
        }, Math.max(0, untilMs - Date.now()));
        socket.once('close', () => finish(true));
        const pump = () => {
          while (!done && !socket.destroyed) {
            stats.bytesSent += block.length;
            if (!socket.write(block)) {
              socket.once('drain', pump);
              return;
            }
          }
        };
        pump();
      });
      if (closed) stats.dropped++;
      if (Date.now() < untilMs) await sleep(reopenMs);
    }
  };
  await Promise.all(ips.flatMap((ip) => Array.from({ length: perIp }, () => run(ip))));
  return stats;
}

export interface SquatStats {
  /** Sockets opened, and how many the node closed on us. */
  opened: number;
  closedByNode: number;
}

/**
 * Silent squatters: `perIp` sockets from each of `ips` that connect and say nothing (for TLS, not
 * even a ClientHello: a bare TCP connection, the cheapest thing to hold), re-opened the moment the
 * node drops them, until `untilMs`.
 */
export async function squat(t: Target, ips: string[], perIp: number, untilMs: number): Promise<SquatStats> {
  const stats: SquatStats = { opened: 0, closedByNode: 0 };
  const run = async (ip: string): Promise<void> => {
    while (Date.now() < untilMs) {
      const socket = tcpConnect({ host: t.host, port: t.port, localAddress: ip });
      socket.on('error', () => {});
      socket.on('data', () => {}); // read and ignore whatever arrives (a DISCONNECT)
      stats.opened++;
      const byNode = await new Promise<boolean>((resolve) => {
        const stop = setTimeout(() => {
          socket.destroy();
          resolve(false);
        }, Math.max(0, untilMs - Date.now()));
        socket.once('close', () => {
          clearTimeout(stop);
          resolve(true);
        });
      });
      if (byNode) stats.closedByNode++;
      // Re-open at once, as the attack does; a tiny pause keeps a refused IP from spinning the CPU.
      if (Date.now() < untilMs) await sleep(5);
    }
  };
  await Promise.all(ips.flatMap((ip) => Array.from({ length: perIp }, () => run(ip))));
  return stats;
}

/** `clients` loops each fetching `url` back to back until `untilMs`; returns how many scrapes completed. */
export async function scrape(url: string, clients: number, untilMs: number): Promise<number> {
  let done = 0;
  const run = async () => {
    while (Date.now() < untilMs) {
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(Math.max(100, untilMs - Date.now())) });
        await r.arrayBuffer();
        done++;
      } catch {
        await sleep(10);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, run));
  return done;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Loopback attacker addresses, one per /16: 127.<base+i>.0.1. */
export const loopbackIps = (count: number, base: number): string[] => Array.from({ length: count }, (_, i) => `127.${base + i}.0.1`);
