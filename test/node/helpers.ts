// Test helpers for nodes: a deterministic world of nodes on a memory network and a virtual clock.
import { createRandom } from '../../src/core/random.js';
import { MemoryNetwork } from '../../src/net/memory.js';
import { identityFromSeed } from '../../src/net/identity.js';
import { createNode } from '../../src/node/create-node.js';
import type { Node } from '../../src/node/node.js';
import type { NodeConfig } from '../../src/node/config.js';
import type { NodeRuntime } from '../../src/node/runtime.js';
import { VirtualClock } from '../../src/platform/index.js';

/** Lets pending microtasks and immediates run (memory links move only with the clock). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Advances the virtual clock by `ms`, timer by timer, letting promise continuations run in between. */
export async function runFor(clock: VirtualClock, ms: number): Promise<void> {
  const end = clock.now() + ms;
  await flush();
  for (;;) {
    const next = clock.nextDue();
    if (next === undefined || next > end) break;
    clock.advanceTo(next);
    await flush();
  }
  clock.advanceTo(end);
  await flush();
}

/** Runs the clock until `pred()` holds (checked after each timer) or `limitMs` of virtual time pass. */
export async function runUntil(clock: VirtualClock, pred: () => boolean, limitMs: number): Promise<boolean> {
  const end = clock.now() + limitMs;
  await flush();
  while (!pred()) {
    const next = clock.nextDue();
    if (next === undefined || next > end) {
      clock.advanceTo(end);
      await flush();
      return pred();
    }
    clock.advanceTo(next);
    await flush();
  }
  return true;
}

/** Settles a promise while the virtual clock runs. */
export async function settle<T>(clock: VirtualClock, p: Promise<T>, limitMs = 60_000): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await runUntil(clock, () => done, limitMs);
  return p;
}

export interface World {
  clock: VirtualClock;
  net: MemoryNetwork;
  seed: string;
  /** Creates (not starts) a node listening on ip:7000, in memory, deterministic from the world's seed. */
  node(ip: string, config?: NodeConfig, runtime?: NodeRuntime): Promise<Node>;
}

export function world(seed = 'world', latencyMs = 5): World {
  const clock = new VirtualClock();
  const net = new MemoryNetwork({ scheduler: clock, latencyMs, random: createRandom(`${seed}/net`) });
  return {
    clock,
    net,
    seed,
    node(ip, config = {}, runtime = {}) {
      return createNode(
        { network: 'test', dataDir: null, listen: `${ip}:7000`, encryption: 'none', allowPrivate: true, api: false, ...config },
        {
          scheduler: clock,
          random: createRandom(`${seed}/${ip}`),
          network: net,
          identity: identityFromSeed(createRandom(`${seed}/id/${ip}`).bytes(32)),
          resolver: { resolve4: async () => [], resolve6: async () => [] },
          addressBook: { newBucketCount: 64, triedBucketCount: 16 },
          ...runtime,
        },
      );
    },
  };
}
