// Test helpers for the observer: temp dirs, waiting for a condition, collecting lines, log-line builders.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LineSink } from '../../src/observer/sources/line-splitter.js';

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'peerwarden-observer-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Polls `condition` until it holds; fails with `what` after `ms` (a hang guard, not a timing check). */
export async function waitFor(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface CollectedLines {
  sink: LineSink;
  lines: string[];
  dropped: string[];
  warnings: string[];
}

export function collectLines(): CollectedLines {
  const c: CollectedLines = {
    lines: [],
    dropped: [],
    warnings: [],
    sink: {
      line: (l) => c.lines.push(l),
      dropped: (r) => c.dropped.push(r),
      warn: (w) => c.warnings.push(w),
    },
  };
  return c;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A current-format StatusChanged line. */
export function statusLine(at: number, change: string): string {
  return JSON.stringify({ at: iso(at), ns: 'Net.PeerSelection.Actions.StatusChanged', data: { kind: 'PeerStatusChanged', peerStatusChangeType: change }, sev: 'Info', thread: '1', host: 'test' });
}

export function coldToWarm(at: number, local: string, remote: string): string {
  return statusLine(at, `ColdToWarm (Just ${local}) ${remote}`);
}

export function transition(at: number, change: string, local: string, remote: string): string {
  return statusLine(at, `${change} (ConnectionId {localAddress = ${local}, remoteAddress = ${remote}})`);
}

export function serverStarted(at: number, addr: string, port: number): string {
  return JSON.stringify({ at: iso(at), ns: 'Net.Server.Remote.Started', data: { kind: 'AcceptPolicyTrace', addresses: [{ addr, port: String(port) }] }, sev: 'Notice', thread: '1', host: 'test' });
}

export function promotedRemote(at: number, kind: 'PromotedToWarmRemote' | 'PromotedToHotRemote', local: [string, number], remote: [string, number]): string {
  return JSON.stringify({
    at: iso(at),
    ns: `Net.InboundGovernor.Remote.${kind}`,
    data: { kind, connectionId: { localAddress: { address: local[0], port: String(local[1]) }, remoteAddress: { address: remote[0], port: String(remote[1]) } } },
    sev: 'Info',
    thread: '1',
    host: 'test',
  });
}
