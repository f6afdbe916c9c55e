// The library's createNode: a node plus, unless the config says `api: false`, its HTTP API and dashboard.

import { apiAttachment } from './api/attach.js';
import { createNode as createBareNode, resolveConfig, type Node, type NodeConfig, type NodeRuntime } from './node/index.js';

/**
 * Creates a node (not started); throws ConfigError listing every problem. When started it also
 * serves the HTTP API of DESIGN §12 at `config.api.listen` (default: next to the p2p port), and
 * `node.api` gives its URL and token. An API that cannot bind is reported as a 'node:error' event;
 * the node runs on without it.
 */
export async function createNode(config: NodeConfig = {}, runtime: NodeRuntime = {}): Promise<Node> {
  const api = apiAttachment(resolveConfig(config));
  return createBareNode(config, api ? { ...runtime, attachments: [...(runtime.attachments ?? []), api] } : runtime);
}
