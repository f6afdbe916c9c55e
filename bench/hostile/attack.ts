// The attacker's process for bench/hostile: runs one attack against a daemon on loopback and prints its statistics as JSON.
import { loopbackIps, pingFlood, scrape, squat, type Target } from '../../test/helpers/hostile-peer.js';

interface AttackSpec {
  kind: 'ping-flood' | 'squat' | 'scrape';
  target: Target;
  ips: number;
  perIp: number;
  /** For 'scrape': the URL and the number of clients. */
  url?: string;
  clients?: number;
  durationMs: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as AttackSpec;
const until = Date.now() + spec.durationMs;
const ips = loopbackIps(spec.ips, 100);
let result: unknown;
if (spec.kind === 'ping-flood') result = await pingFlood(spec.target, ips, spec.perIp, until);
else if (spec.kind === 'squat') result = await squat(spec.target, ips, spec.perIp, until);
else result = { scrapes: await scrape(spec.url!, spec.clients!, until) };
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
