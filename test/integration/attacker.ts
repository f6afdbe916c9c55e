// A hostile peer for integration tests: a bare ConnectionManager on the memory network that sends what it likes.
import { createRandom } from '../../src/core/random.js';
import { ConnectionManager, type Connection } from '../../src/net/index.js';
import { identityFromSeed } from '../../src/net/identity.js';
import { encodeAddr, type AddrEntry } from '../../src/wire/control-codec.js';
import { framed } from '../../src/wire/frame.js';
import { MessageType } from '../../src/wire/constants.js';
import { settle, type World } from '../node/helpers.js';

export async function attacker(w: World, ip: string): Promise<ConnectionManager> {
  const m = new ConnectionManager({
    identity: identityFromSeed(createRandom(`attacker/${ip}`).bytes(32)),
    network: 'test',
    transport: w.net.transport(ip),
    listen: `${ip}:7000`,
    scheduler: w.clock,
    random: createRandom(`attacker-rand/${ip}`),
  });
  await m.start();
  return m;
}

export function dial(w: World, m: ConnectionManager, endpoint: string): Promise<Connection> {
  return settle(w.clock, m.dial(endpoint));
}

/** 1000 fresh, routable, distinct addresses spread over many /16s, numbered from `from`. */
export function addrBatch(from: number, now: number, size = 1000): AddrEntry[] {
  return Array.from({ length: size }, (_, k) => {
    const i = from + k;
    return { endpoint: { ip: `${20 + (i % 200)}.${(i >> 8) & 255}.${i & 255}.1`, port: 7000 }, services: 0n, time: now };
  });
}

/** An ADDR frame whose count field says 1001: over the protocol's limit, so it does not parse. */
export function oversizedAddrFrame(now: number): ReturnType<typeof framed> {
  const good = encodeAddr(addrBatch(0, now, 1000));
  const extra = encodeAddr(addrBatch(5000, now, 1)).subarray(7);
  const bytes = Buffer.concat([good, extra]);
  bytes.writeUInt32BE(bytes.length - 4, 0);
  bytes.writeUInt16BE(1001, 5);
  return framed(MessageType.ADDR, bytes);
}

/** An ADDR frame whose count field says 2 but whose body carries one entry: a body that does not parse. */
export function truncatedAddrFrame(now: number): ReturnType<typeof framed> {
  const bytes = Buffer.from(encodeAddr(addrBatch(0, now, 1)));
  bytes.writeUInt16BE(2, 5);
  return framed(MessageType.ADDR, bytes);
}
