// api.corsOrigins and api.allowedHosts: validated with every problem listed, and set from the file, PEERWARDEN_* and repeatable flags.
import { describe, expect, it } from 'vitest';
import { loadNodeConfig } from '../../src/cli/config-sources.js';
import { ConfigError, resolveConfig } from '../../src/node/config.js';

function problems(input: unknown): string[] {
  try {
    resolveConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected ConfigError');
}

describe('api.corsOrigins and api.allowedHosts', () => {
  it('default to none: no page of another origin, no other name', () => {
    const api = resolveConfig({}).api;
    expect(api).toMatchObject({ corsOrigins: [], allowedHosts: [] });
  });

  it('keep exact origins and host names (lower-cased, IPs normalised, duplicates dropped)', () => {
    const api = resolveConfig({
      api: {
        corsOrigins: ['https://ops.example.org', 'http://127.0.0.1:8080', 'https://ops.example.org'],
        allowedHosts: ['Node1.Example.org', 'proxy.example:8443', '10.0.0.5', '[2001:DB8::1]:7001', 'node1.example.org'],
      },
    }).api;
    expect(api).toMatchObject({
      corsOrigins: ['https://ops.example.org', 'http://127.0.0.1:8080'],
      allowedHosts: ['node1.example.org', 'proxy.example:8443', '10.0.0.5', '[2001:db8::1]:7001'],
    });
  });

  it('report every bad entry at once, each with what to write instead', () => {
    const p = problems({
      api: {
        corsOrigins: ['*', 'https://ops.example.org/', 'https://ops.example.org/dashboard', 'HTTPS://OPS.example.org', 'ftp://x.example', 'not an origin', 7, 'null'],
        allowedHosts: ['*', '*.example.org', 'https://node.example.org', 'bad host!', 'x.example:99999'],
        colour: 'blue',
      },
    });
    const joined = p.join('\n');
    expect(joined).toMatch(/api\.corsOrigins\[0\]: a wildcard would let every web page/);
    expect(joined).toMatch(/api\.corsOrigins\[1\]: "https:\/\/ops\.example\.org\/": browsers send this origin as "https:\/\/ops\.example\.org"/);
    expect(joined).toMatch(/api\.corsOrigins\[2\]: .* is a URL, not an origin: drop everything after the host and port/);
    expect(joined).toMatch(/api\.corsOrigins\[3\]: .*write it that way/);
    expect(joined).toMatch(/api\.corsOrigins\[4\]: .*only http and https origins/);
    expect(joined).toMatch(/api\.corsOrigins\[5\]: "not an origin" is not an origin/);
    expect(joined).toMatch(/api\.corsOrigins\[6\]: expected a string, got 7/);
    expect(joined).toMatch(/api\.corsOrigins\[7\]: "null" is not an origin/);
    expect(joined).toMatch(/api\.allowedHosts\[0\]: wildcards are not accepted/);
    expect(joined).toMatch(/api\.allowedHosts\[1\]: wildcards are not accepted/);
    expect(joined).toMatch(/api\.allowedHosts\[2\]: "https:\/\/node\.example\.org" is a URL: give only the host name/);
    expect(joined).toMatch(/api\.allowedHosts\[3\]: .*neither an IP address nor a DNS name/);
    expect(joined).toMatch(/api\.allowedHosts\[4\]: .*the port must be 0-65535/);
    expect(joined).toMatch(/api\.colour: unknown key; known keys: listen, corsOrigins, allowedHosts/);
    expect(problems({ api: { corsOrigins: 'https://ops.example.org' } })).toEqual(['api.corsOrigins: expected a list of strings, got "https://ops.example.org"']);
  });

  it('come from the config file, PEERWARDEN_API_* lists and repeatable flags (flags win)', () => {
    const fromEnv = loadNodeConfig({
      argv: [],
      env: { PEERWARDEN_API_CORS_ORIGINS: 'https://a.example, https://b.example', PEERWARDEN_API_ALLOWED_HOSTS: 'node.example' },
    }).config.api;
    expect(fromEnv).toMatchObject({ corsOrigins: ['https://a.example', 'https://b.example'], allowedHosts: ['node.example'] });
    const fromFlags = loadNodeConfig({
      argv: ['--api-cors-origin', 'https://c.example', '--api-cors-origin=https://d.example', '--api-allowed-host', 'proxy.example:8443', '--api-listen', '127.0.0.1:9001'],
      env: { PEERWARDEN_API_CORS_ORIGINS: 'https://a.example' },
    }).config.api;
    expect(fromFlags).toMatchObject({ listen: { ip: '127.0.0.1', port: 9001 }, corsOrigins: ['https://c.example', 'https://d.example'], allowedHosts: ['proxy.example:8443'] });
    let err: unknown;
    try {
      loadNodeConfig({ argv: ['--api-cors-origin', '*', '--api-allowed-host', 'http://x.example'], env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toHaveLength(2);
  });
});
