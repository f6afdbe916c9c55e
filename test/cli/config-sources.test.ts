import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNodeConfig, NODE_KEYS, nodeFlagsHelp } from '../../src/cli/config-sources.js';
import { ConfigError } from '../../src/node/config.js';

const dir = mkdtempSync(join(tmpdir(), 'pw-cfg-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected ConfigError');
}

describe('loadNodeConfig', () => {
  it('reads TOML, then environment, then flags, with flags winning', () => {
    const file = write(
      'a.toml',
      `network = "devnet"\nlisten = "127.0.0.1:7100"\nseeds = ["127.0.0.1:7200"]\n[targets]\nhot = 3\noutbound = 6\n`,
    );
    const { config } = loadNodeConfig({
      argv: ['--config', file, '--target-hot', '4', '--seed', '127.0.0.1:1', '--seed=127.0.0.1:2'],
      env: { PEERWARDEN_NETWORK: 'fromenv', PEERWARDEN_TARGET_OUTBOUND: '7', HOME: '/x' },
    });
    expect(config.network).toBe('fromenv');
    expect(config.listen).toEqual([{ ip: '127.0.0.1', port: 7100 }]);
    expect(config.targets).toMatchObject({ hot: 4, outbound: 7, maxInbound: 100 });
    expect(config.seeds.map((s) => s.port)).toEqual([1, 2]);
  });

  it('reads JSON files and PEERWARDEN_CONFIG', () => {
    const file = write('b.json', JSON.stringify({ encryption: 'none', api: false }));
    const { config, file: used } = loadNodeConfig({ argv: [], env: { PEERWARDEN_CONFIG: file } });
    expect(used).toBe(file);
    expect(config.encryption).toBe('none');
    expect(config.api).toBe(false);
  });

  it('handles booleans, negations, --no-api, local probe and extra flags', () => {
    const { config, extras } = loadNodeConfig({
      argv: ['--allow-loopback', '--hub', '--no-hub', '--no-api', '--local-probe', '127.0.0.1:7000-7003', '--reset-address-book'],
      env: {},
      extraFlags: { 'reset-address-book': 'bool' },
    });
    expect(config.allowLoopback).toBe(true);
    expect(config.hub).toBe(false);
    expect(config.api).toBe(false);
    expect(config.localProbe).toEqual({ host: '127.0.0.1', fromPort: 7000, toPort: 7003 });
    expect(extras['reset-address-book']).toBe(true);
  });

  it('reports every problem from every source at once', () => {
    const bad = write('bad.toml', 'listen = "1.2.3.4:99999"\nbogus = 1\n');
    const p = problems(() =>
      loadNodeConfig({
        argv: ['--config', bad, '--nope', '--target-hot', 'many', '--encryption', 'ssl', 'stray'],
        env: { PEERWARDEN_HUB: 'maybe' },
      }),
    );
    const text = p.join('\n');
    expect(text).toMatch(/unknown option --nope/);
    expect(text).toMatch(/--target-hot: expected a whole number/);
    expect(text).toMatch(/unexpected argument "stray"/);
    expect(text).toMatch(/PEERWARDEN_HUB: expected true or false/);
    expect(text).toMatch(/listen: .*port/);
    expect(text).toMatch(/bogus: unknown key/);
    expect(text).toMatch(/encryption: must be/);
  });

  it('takes the plural and singular spellings, and only warns about unknown PEERWARDEN_ variables', () => {
    const { config, warnings } = loadNodeConfig({
      argv: ['--seeds', '1.2.3.4:1', '--static-peers', '5.6.7.8:2', '--dns-seeds', 'a.example'],
      env: { PEERWARDEN_SEED: '9.9.9.9:3', PEERWARDEN_STATIC_PEER: '8.8.8.8:4', PEERWARDEN_DATA_DIR: '/x', PEERWARDEN_LISTN: 'x' },
    });
    expect(config.seeds.map((x) => x.host)).toEqual(['1.2.3.4']);
    expect(config.staticPeers.map((x) => x.address?.host)).toEqual(['5.6.7.8']);
    expect(config.dnsSeeds.map((x) => x.host)).toEqual(['a.example']);
    expect(config.dataDir).toBe('/x');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/PEERWARDEN_LISTN is not a peerwarden setting and is ignored/);
    const env = loadNodeConfig({ argv: [], env: { PEERWARDEN_SEED: '9.9.9.9:3' } }).config;
    expect(env.seeds.map((x) => x.host)).toEqual(['9.9.9.9']);
  });

  it('explains an unreadable or unparseable file', () => {
    expect(problems(() => loadNodeConfig({ argv: ['--config', join(dir, 'missing.toml')], env: {} }))[0]).toMatch(/cannot read the file \(ENOENT\)/);
    const broken = write('broken.toml', 'network = \n');
    expect(problems(() => loadNodeConfig({ argv: ['--config', broken], env: {} }))[0]).toMatch(/not valid TOML/);
  });

  it('documents every flag in the generated help, with its value and the default of a number', () => {
    const help = nodeFlagsHelp();
    for (const f of ['--network', '--data-dir', '--listen', '--encryption', '--seed', '--hub', '--log-level']) expect(help).toContain(f);
    for (const k of NODE_KEYS) expect(help).toMatch(new RegExp(`^ +--${k.flag}[ <]`, 'm'));
    expect(help).toMatch(/--target-hot <n> +outbound hot peers \(default 8\)$/m);
    expect(help).toMatch(/--send-budget <bytes> +bytes all peers together may have queued \(default 67108864\)$/m);
    expect(help).toMatch(/--encryption <tls\|none> +tls or none$/m);
    expect(help).toMatch(/--hub +run as a hub/m);
  });
});
