// The node/observer dashboard: finds out what it talks to, builds the views, and refreshes at most once per second.

import './styles.css';
import type { AppContext } from './app/context.js';
import { EventLog } from './app/event-log.js';
import { navigate, parseRoute } from './app/router.js';
import { ScoreTracker } from './app/score-tracker.js';
import { createShell } from './app/shell.js';
import type { View, ViewSpec } from './app/view.js';
import { getJson } from './lib/api.js';
import { h, replaceChildren } from './lib/dom.js';
import { EventStream } from './lib/event-stream.js';
import { SampleStore } from './lib/series.js';
import type { AnyStatusJson, HistoryJson, SeriesJson } from './lib/types.js';
import { createAddrbookView } from './views/addrbook.js';
import { createBansView } from './views/bans.js';
import { createChartsView } from './views/charts.js';
import { createEventsView } from './views/events.js';
import { createObservedPeersView } from './views/observed-peers.js';
import { createObserverOverview } from './views/observer-overview.js';
import { createOverview } from './views/overview.js';
import { createPeersView } from './views/peers.js';

/** The page redraws at most this often. */
const TICK_MS = 1000;
/** Events fetched to fill the feed before the live stream takes over. */
const HISTORY_SEED = 500;

async function firstStatus(root: HTMLElement): Promise<AnyStatusJson> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getJson<AnyStatusJson>('/api/v1/status');
    } catch (err) {
      replaceChildren(root, h('p', { class: 'boot error' }, `Cannot reach the peerwarden API (${(err as Error).message}); retrying (attempt ${attempt})…`));
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * attempt)));
    }
  }
}

function viewsFor(mode: AnyStatusJson['mode'], ctx: AppContext): ViewSpec[] {
  if (mode === 'observer') {
    // An observer has no address book, bans or series: only what it can see in the log and the sockets.
    return [
      { name: 'overview', title: 'Overview', create: () => createObserverOverview(ctx) },
      { name: 'peers', title: 'Peers', create: () => createObservedPeersView(ctx) },
      { name: 'events', title: 'Events', create: () => createEventsView(ctx) },
    ];
  }
  return [
    { name: 'overview', title: 'Overview', create: () => createOverview(ctx) },
    { name: 'peers', title: 'Peers', create: () => createPeersView(ctx) },
    { name: 'charts', title: 'Charts', create: () => createChartsView(ctx) },
    { name: 'addresses', title: 'Address book', create: () => createAddrbookView(ctx) },
    { name: 'bans', title: 'Bans', create: () => createBansView(ctx) },
    { name: 'events', title: 'Events', create: () => createEventsView(ctx) },
  ];
}

async function boot(): Promise<void> {
  const root = document.getElementById('app')!;
  let status = await firstStatus(root);
  const events = new EventLog();
  const samples = new SampleStore();
  const scores = new ScoreTracker();
  const ctx: AppContext = {
    mode: status.mode,
    status: () => status,
    events,
    samples,
    scores,
    tokenFile: () => (status.mode !== 'observer' && status.dataDir ? `${status.dataDir}/api.token` : undefined),
    go: (view, param) => navigate(view, param),
  };
  const specs = viewsFor(status.mode, ctx);
  const shell = createShell(root, specs, status.mode);
  shell.showStatus(status);

  const created = new Map<string, View>();
  let current: View | undefined;
  let currentName = '';
  const show = () => {
    const route = parseRoute(location.hash, 'overview');
    const spec = specs.find((s) => s.name === route.view) ?? specs[0]!;
    let view = created.get(spec.name);
    if (!view) created.set(spec.name, (view = spec.create()));
    if (currentName !== spec.name) {
      current?.hide?.();
      replaceChildren(shell.main, view.el);
      current = view;
      currentName = spec.name;
      shell.setActive(spec.name);
    }
    view.route?.(route.param);
    void view.refresh().catch(() => undefined);
  };

  const loadHistory = async () => {
    try {
      const { events: history } = await getJson<HistoryJson>(`/api/v1/history?limit=${HISTORY_SEED}`);
      events.reset(history);
    } catch {
      // The live stream still works; the feed just starts empty.
    }
  };
  await loadHistory();
  const stream = new EventStream(
    '/api/v1/events',
    {
      onEvent: (e) => events.add(e),
      onState: (state, d) => shell.showStream(state, d.attempt, d.error),
      onRestart: () => void loadHistory(),
    },
    events.lastSeq,
  );
  stream.start();

  let lastSeries = 0;
  let seriesEvery = 5000;
  const refreshSeries = async () => {
    if (status.mode === 'observer' || Date.now() - lastSeries < seriesEvery) return;
    lastSeries = Date.now();
    try {
      const since = samples.lastRecordedAt;
      const res = await getJson<SeriesJson>(since === undefined ? '/api/v1/series' : `/api/v1/series?since=${since}`);
      seriesEvery = res.intervalMs;
      samples.merge(res.samples);
    } catch {
      lastSeries = 0;
    }
  };

  const tick = async () => {
    const began = Date.now();
    try {
      const next = await getJson<AnyStatusJson>('/api/v1/status');
      if (next.startedAt !== status.startedAt) {
        // A node's status has no startedAt only before its node has started (a daemon's API comes up first).
        if (next.startedAt !== undefined) shell.showRestart(next.startedAt);
        void loadHistory();
      }
      status = next;
      shell.showStatus(status);
    } catch (err) {
      shell.showUnreachable((err as Error).message);
    }
    await refreshSeries();
    scores.prune(Date.now());
    if (!document.hidden) await current?.refresh().catch(() => undefined);
    setTimeout(() => void tick(), Math.max(0, TICK_MS - (Date.now() - began)));
  };

  window.addEventListener('hashchange', show);
  show();
  setTimeout(() => void tick(), TICK_MS);
  // Seed the charts straight away rather than on the first tick.
  void refreshSeries();
}

void boot();
