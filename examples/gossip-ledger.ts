// A toy ledger on peerwarden: transfers spread by gossip (broadcast, de-duplicate, relay) and synced by request.
//
// Run it:  npx tsx examples/gossip-ledger.ts
//
// Five nodes start on this machine (127.1.0.1 … 127.5.0.1, TLS, free ports) and find each other
// from one seed. Each transfer is broadcast to the sender's hot peers; every node applies a
// transfer it has not seen and relays it to its own peers except the one it came from, so the
// transfer floods the whole network while each node handles it once. A node that connects late
// asks a peer for what it missed ('ledger/since'). At the end every node holds the same ledger.
//
// It uses only the library API (createNode, start, ready, on, broadcast, handle, request, stop).
// It imports the built package by name, as an application would (run `npm run build` first).

import { createHash } from 'node:crypto';
import { createNode, type Node, type PeerInfo } from 'peerwarden';

interface Transfer {
  id: string;
  from: string;
  to: string;
  amount: number;
  at: number;
}

const TOPIC_TX = 'ledger/tx';
const TOPIC_SINCE = 'ledger/since';
const encode = (x: unknown) => Buffer.from(JSON.stringify(x));
const decode = <T>(bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8')) as T;

class LedgerNode {
  readonly log: Transfer[] = [];
  readonly #seen = new Set<string>();
  readonly #balances = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly node: Node,
  ) {
    // Gossip: apply what is new, relay it to everyone but the peer it came from.
    node.on('message', ({ topic, payload, peer }) => {
      if (topic !== TOPIC_TX) return;
      const tx = decode<Transfer>(payload);
      if (this.#apply(tx)) node.broadcast(TOPIC_TX, payload, { except: peer.id });
    });
    // Catch-up: a peer asks for everything after the n-th transfer we know.
    node.handle(TOPIC_SINCE, (payload) => encode(this.log.slice(decode<{ from: number }>(payload).from)));
    // A new peer may know transfers we missed (or we joined late): ask it.
    node.on('peer:connected', (e) => {
      if (e.id) void this.#sync(e.id);
    });
  }

  /** A new transfer made here: applied and broadcast. */
  submit(from: string, to: string, amount: number): void {
    const tx: Transfer = { id: createHash('sha256').update(`${this.name}/${this.log.length}/${from}/${to}/${amount}`).digest('hex').slice(0, 16), from, to, amount, at: Date.now() };
    if (this.#apply(tx)) this.node.broadcast(TOPIC_TX, encode(tx));
  }

  balance(account: string): number {
    return this.#balances.get(account) ?? 0;
  }

  /** A digest of the ledger independent of arrival order. */
  digest(): string {
    const ids = this.log.map((t) => t.id).sort();
    return createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 12);
  }

  #apply(tx: Transfer): boolean {
    if (this.#seen.has(tx.id)) return false;
    this.#seen.add(tx.id);
    this.log.push(tx);
    this.#balances.set(tx.from, this.balance(tx.from) - tx.amount);
    this.#balances.set(tx.to, this.balance(tx.to) + tx.amount);
    return true;
  }

  async #sync(peer: string): Promise<void> {
    try {
      const missed = decode<Transfer[]>(await this.node.request(peer, TOPIC_SINCE, encode({ from: 0 }), { timeoutMs: 5_000 }));
      for (const tx of missed) this.#apply(tx);
    } catch {
      // The peer left, or is slow: gossip and the next peer will do.
    }
  }
}

async function main(): Promise<void> {
  const names = ['alice', 'bob', 'carol', 'dave', 'erin'];
  const ledgers: LedgerNode[] = [];
  let seed: string | undefined;
  for (const [i, name] of names.entries()) {
    const node = await createNode({
      network: 'toy-ledger',
      dataDir: null,
      listen: `127.${i + 1}.0.1:0`,
      allowLoopback: true,
      seeds: seed ? [seed] : [],
      api: false,
    });
    await node.start();
    seed ??= node.listenAddresses[0];
    ledgers.push(new LedgerNode(name, node));
    console.log(`${name.padEnd(6)} ${node.id.slice(0, 12)} listening on ${node.listenAddresses.join(', ')}`);
  }
  await Promise.all(ledgers.map((l) => l.node.ready({ minPeers: 2, timeoutMs: 15_000 })));

  // Twenty transfers, made at random nodes, while the network keeps forming.
  for (let k = 0; k < 20; k++) {
    const at = ledgers[k % ledgers.length]!;
    at.submit(names[k % 5]!, names[(k * 3 + 1) % 5]!, 1 + (k % 7));
    await new Promise((r) => setTimeout(r, 20));
  }

  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !ledgers.every((l) => l.log.length === 20 && l.digest() === ledgers[0]!.digest())) {
    await new Promise((r) => setTimeout(r, 50));
  }

  console.log('\nnode    peers  transfers  digest        alice   bob  carol  dave  erin');
  for (const l of ledgers) {
    const peers: PeerInfo[] = l.node.peers();
    const cells = names.map((n) => String(l.balance(n)).padStart(5));
    console.log(`${l.name.padEnd(6)}  ${String(peers.length).padStart(5)}  ${String(l.log.length).padStart(9)}  ${l.digest()}  ${cells.join(' ')}`);
  }
  const agreed = ledgers.every((l) => l.digest() === ledgers[0]!.digest() && l.log.length === 20);
  console.log(agreed ? '\nevery node holds the same 20 transfers' : '\nthe ledgers did not converge in time');
  await Promise.all(ledgers.map((l) => l.node.stop()));
  process.exitCode = agreed ? 0 : 1;
}

await main();
