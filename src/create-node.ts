// The library's createNode: a node plus, when the config has an `api` section, its HTTP API and dashboard.

import { apiAttachment } from './api/attach.js';
import { createNode as createBareNode, resolveConfig, type Node, type NodeConfig, type NodeOptions } from './node/index.js';

/**
 * Creates a node (not started); throws ConfigError listing every problem. In library use the HTTP
 * API is off unless the config asks for it: with `api: {}` (or `api: { listen, … }`) the started
 * node also serves its HTTP API and dashboard at `api.listen` (default: next to the p2p port), and
 * `node.api` gives its URL and token. An API that cannot bind is reported as a 'node:error' event;
 * the node runs on without it. (`peerwarden node`, the daemon, serves it unless told `--no-api`.)
 */
export async function createNode(config: NodeConfig = {}, runtime: NodeOptions = {}): Promise<Node> {
  const resolved = resolveConfig(config);
  const api = config.api ? apiAttachment(resolved) : undefined;
  return createBareNode(config, api ? { ...runtime, attachments: [...(runtime.attachments ?? []), api] } : runtime);
}
