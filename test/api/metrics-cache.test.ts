// /metrics renders at most once per interval however many scrape it: concurrent scrapes share a render,
// early ones wait for the next, too many waiting are told to come back, and a node's stats are read once per render.
import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create.js';
import { MetricsBusyError, MetricsCache, createRegistry, perScrape, readGauge } from '../../src/api/metrics.js';

/** A registry whose every render is counted, with a virtual clock and a sleep the test releases by hand. */
function rig(opts: { maxWaiting?: number } = {}) {
  const registry = new Registry();
  let renders = 0;
  new Gauge({
    name: 'renders',
    help: 'how many times the registry rendered',
    registers: [registry],
    collect() {
      this.set(++renders);
    },
  });
  let now = 0;
  const sleeps: { ms: number; wake: () => void }[] = [];
  const cache = new MetricsCache(registry, {
    minIntervalMs: 1000,
    maxWaiting: opts.maxWaiting,
    now: () => now,
    sleep: (ms) => new Promise<void>((wake) => sleeps.push({ ms, wake })),
  });
  return {
    cache,
    renders: () => renders,
    sleeps,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('MetricsCache', () => {
  it('renders once for scrapes that arrive together', async () => {
    const r = rig();
    const texts = await Promise.all(Array.from({ length: 20 }, () => r.cache.get()));
    expect(r.renders()).toBe(1);
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toMatch(/^renders 1$/m);
  });

  it('makes a scrape within the interval wait for the next render, which every early scrape shares', async () => {
    const r = rig();
    await r.cache.get();
    r.advance(300);
    const early = [r.cache.get(), r.cache.get(), r.cache.get()];
    await Promise.resolve();
    expect(r.sleeps.map((s) => s.ms)).toEqual([700]);
    expect(r.cache.waiting).toBe(3);
    r.advance(700);
    r.sleeps[0]!.wake();
    const texts = await Promise.all(early);
    expect(r.renders()).toBe(2);
    expect(texts.every((t) => /^renders 2$/m.test(t))).toBe(true);
    // After the interval a scrape renders at once.
    r.advance(1000);
    await r.cache.get();
    expect(r.renders()).toBe(3);
    expect(r.sleeps).toHaveLength(1);
  });

  it('answers MetricsBusyError once too many scrapes wait', async () => {
    const r = rig({ maxWaiting: 2 });
    await r.cache.get();
    const waiting = [r.cache.get(), r.cache.get()];
    await expect(r.cache.get()).rejects.toBeInstanceOf(MetricsBusyError);
    await expect(r.cache.get()).rejects.toThrow(/retry in a second, and scrape less often/);
    r.advance(1000);
    r.sleeps[0]!.wake();
    await Promise.all(waiting);
    expect(r.cache.waiting).toBe(0);
  });

  it('GET /metrics answers 503 with Retry-After when too many scrapes wait', async () => {
    const parts = createApiServer({ listen: { ip: '127.0.0.1', port: 0 }, title: 't', version: '0' });
    const url = await parts.server.start();
    try {
      // The first scrape renders; the next ones wait a second for the next render; past the bound they are refused.
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
      const many = await Promise.all(Array.from({ length: 300 }, () => fetch(`${url}/metrics`)));
      const statuses = many.map((r) => r.status);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      const busy = many.filter((r) => r.status === 503);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy[0]!.headers.get('retry-after')).toBe('1');
      expect(((await busy[0]!.json()) as { error: { code: string } }).error.code).toBe('busy');
      await Promise.all(many.map((r) => (r.bodyUsed ? undefined : r.body?.cancel())));
    } finally {
      await parts.server.close();
    }
  });
});

describe('metrics read at scrape time', () => {
  it('perScrape reads once for all the metrics of one render, and afresh for the next', async () => {
    const registry = new Registry();
    let reads = 0;
    const snapshot = perScrape(() => ({ a: 1, b: 2, n: ++reads }));
    readGauge(registry, 'a', 'a', [], () => [[{}, snapshot().a]]);
    readGauge(registry, 'b', 'b', [], () => [[{}, snapshot().b]]);
    readGauge(registry, 'n', 'n', [], () => [[{}, snapshot().n]]);
    await registry.metrics();
    expect(reads).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(await registry.metrics()).toMatch(/^peerwarden_n 2$/m);
    expect(reads).toBe(2);
  });

  it('the process metrics use the standard names and no gauge ends in _total', async () => {
    const text = await createRegistry().metrics();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_active_handles']) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    expect(text).not.toMatch(/^# TYPE peerwarden_/m);
    expect(text).not.toMatch(/^# TYPE \S+_total (gauge|histogram|summary)$/m);
  });
});
