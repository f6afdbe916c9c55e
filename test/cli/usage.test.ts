// Usage errors: exit 2 with one clear line (and a "did you mean" for flags and commands), caught
// before any request; help that is aligned, names its values and cites only what users have.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Nothing listens here: a command that contacted it would exit 3, not 2.
const NOBODY = ['--api', 'http://127.0.0.1:9'];

/** One line on stderr, nothing on stdout, exit 2. */
async function usageError(args: string[]): Promise<string> {
  const r = await runCli(args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  return r.stderr;
}

describe('usage errors', () => {
  it('peerwarden alone prints the usage on stderr and exits 2, as git does; --help exits 0', async () => {
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^Usage: peerwarden <command>/m);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Commands:$/m);
    const topic = await runCli(['help', 'ban']);
    expect(topic.code).toBe(0);
    expect(topic.stdout).toMatch(/^Usage: peerwarden ban/);
  });

  it('suggests the command and the flag that were meant', async () => {
    expect(await usageError(['stauts'])).toMatch(/unknown command "stauts" \(did you mean "status"\?\)/);
    expect(await usageError(['exlpain', 'abcd'])).toMatch(/did you mean "explain"\?/);
    expect(await usageError(['peers', '--jsno', ...NOBODY])).toMatch(/unknown option --jsno \(did you mean --json\?\)/);
    expect(await usageError(['ban', '1.2.3.4', '--fro', '1h', ...NOBODY])).toMatch(/unknown option --fro \(did you mean --for\?\)/);
    expect(await usageError(['watch', '--stdin', '--node-prot', '3001'])).toMatch(/unknown option --node-prot \(did you mean --node-port\?\)/);
    expect(await usageError(['devnet', '--node', '4'])).toMatch(/did you mean --nodes\?/);
    const node = await runCli(['node', '--lisen', '127.0.0.1:7000']);
    expect(node.code).toBe(2);
    expect(node.stderr).toMatch(/unknown option --lisen \(did you mean --listen\?\)/);
    expect(node.stderr).not.toMatch(/unexpected argument/);
  });

  it('checks node ids, IPs, CIDRs and endpoints before any request, in its own words', async () => {
    expect(await usageError(['ban', '999.1.1.1', ...NOBODY])).toMatch(/invalid ban target "999\.1\.1\.1": it is not a node id, an IP address or a CIDR subnet/);
    expect(await usageError(['ban', '10.0.0.0/33', ...NOBODY])).toMatch(/invalid ban target "10\.0\.0\.0\/33"/);
    expect(await usageError(['unban', 'nonsense', ...NOBODY])).toMatch(/invalid ban target "nonsense"/);
    const explain = await usageError(['explain', 'zzzz', ...NOBODY]);
    expect(explain).toMatch(/"zzzz" is neither a node id \(64 hex digits, or the first 4 or more\) nor a peer's ip:port/);
    expect(explain).not.toMatch(/must match pattern|params\//);
    expect(await usageError(['disconnect', '1.2.3.4:5', ...NOBODY])).toMatch(/"1\.2\.3\.4:5" is not a node id/);
    expect(await usageError(['connect', '1.2.3.4', ...NOBODY])).toMatch(/"1\.2\.3\.4" is not an endpoint: give ip:port/);
    expect(await usageError(['status', '--api', 'http://', ...NOBODY.slice(2)])).toMatch(/--api: "http:\/\/" is neither a URL/);
  });

  it('wants a unit on durations: --for 1 is not one second', async () => {
    expect(await usageError(['ban', '10.0.0.0/8', '--for', '1', ...NOBODY])).toMatch(/--for: invalid duration "1": give a number with a unit, e\.g\. 30m, 1h, 7d/);
    expect(await usageError(['fleet', 'status', '--node', '127.0.0.1:9', '--interval', '2'])).toMatch(/--interval: give a number with a unit/);
  });

  it('takes --api as host:port (http) and says clearly when nothing answers there', async () => {
    const { createServer } = await import('node:net');
    const closed = createServer();
    const port = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as { port: number }).port)));
    await new Promise((resolve) => closed.close(resolve));
    const r = await runCli(['status', '--api', `127.0.0.1:${port}`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`no peerwarden node is answering at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });
});

describe('help', () => {
  const commands = ['node', 'hub', 'devnet', 'watch', 'fleet', 'status', 'peers', 'bans', 'ban', 'unban', 'connect', 'disconnect', 'explain'];

  it('aligns every option list and names each value', async () => {
    for (const cmd of commands) {
      const r = await runCli([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      const options = r.stdout.slice(r.stdout.indexOf('\nOptions:\n') + 10).split('\n').filter((l) => /^ {2}\S|^ {6}--/.test(l));
      expect(options.length, cmd).toBeGreaterThan(2);
      // The description column starts at the same place on every line.
      const starts = new Set(options.map((l) => /^\s+\S+(?: <[^>]+>)?(?:, --\S+(?: <[^>]+>)?)?\s{2,}/.exec(l)?.[0].length));
      expect([...starts], `${cmd}:\n${options.join('\n')}`).toHaveLength(1);
      expect(r.stdout, cmd).not.toMatch(/<v>|<value>/);
    }
    const node = (await runCli(['node', '--help'])).stdout;
    expect(node).toMatch(/--listen <ip:port> {2,}p2p endpoint/);
    expect(node).toMatch(/--target-hot <n> {2,}/);
  });

  it('cites no document users do not have', async () => {
    for (const cmd of ['', ...commands, 'sim']) {
      const r = await runCli(cmd ? [cmd, '--help'] : ['--help']);
      expect(`${r.stdout}${r.stderr}`, cmd).not.toMatch(/DESIGN/);
      // Files it points at are paths of this installation (docs/ and contrib/ ship in the package).
      for (const m of r.stdout.matchAll(/(\/\S+\/(?:docs|contrib)\/[\w./-]+?)[.;,]?(?:\s|$)/g)) {
        const { existsSync } = await import('node:fs');
        expect(existsSync(m[1]!), m[1]).toBe(true);
      }
    }
  });
});
