// createNode(config, runtime?): validates the configuration, loads or creates the node key, and returns a Node.

import { join } from 'node:path';
import { cryptoRandom, systemScheduler } from '../platform/index.js';
import { identityFromSeed, loadOrCreateIdentity, type NodeIdentity } from '../net/index.js';
import { resolveConfig, type NodeConfig } from './config.js';
import { Node, type NodeOptions } from './node.js';

/** The node key's file name inside the data directory (PKCS#8 PEM, mode 0600). */
export const NODE_KEY_FILE = 'node.key';

/**
 * Creates a node (not started). Throws ConfigError listing every problem of `config`. The node id
 * comes from `<dataDir>/node.key`, created on first use; with `dataDir: null` the node lives in
 * memory only, with a fresh identity drawn from `runtime.random` (so a seeded test is repeatable).
 */
export async function createNode(config: NodeConfig = {}, runtime: NodeOptions = {}): Promise<Node> {
  const resolved = resolveConfig(config);
  const scheduler = runtime.scheduler ?? systemScheduler;
  const random = runtime.random ?? cryptoRandom;
  let identity: NodeIdentity;
  if (runtime.identity) identity = runtime.identity;
  else if (resolved.dataDir === null) identity = identityFromSeed(random.bytes(32));
  else identity = loadOrCreateIdentity(join(resolved.dataDir, NODE_KEY_FILE)).identity;
  return new Node(resolved, withBookDefences(resolved.maxTriedPerSourceGroup, runtime), identity, scheduler, random);
}

/** The configuration's address-book defences handed to the book (0: off, so the book is Core's); the runtime's own setting wins. */
export function withBookDefences(maxTriedPerSourceGroup: number, runtime: NodeOptions): NodeOptions {
  if (maxTriedPerSourceGroup === 0 || runtime.addressBook?.maxTriedPerSourceGroup !== undefined) return runtime;
  return { ...runtime, addressBook: { ...runtime.addressBook, maxTriedPerSourceGroup } };
}
