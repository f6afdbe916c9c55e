import { describe, expect, it } from 'vitest';
import { isIpLiteral, resolveHost, ResolveError } from '../../src/discovery/resolver.js';
import { fakeResolver } from './fakes.js';

describe('resolveHost', () => {
  it('returns an IP literal as is, canonical, without asking DNS', async () => {
    const r = fakeResolver({});
    expect(await resolveHost(r, '2001:DB8:0:0::1')).toEqual(['2001:db8::1']);
    expect(await resolveHost(r, '10.0.0.1')).toEqual(['10.0.0.1']);
    expect(r.queries).toEqual([]);
    expect(isIpLiteral('seed.example.org')).toBe(false);
  });

  it('asks A and AAAA, and returns IPv4 first, sorted and de-duplicated', async () => {
    const r = fakeResolver({ 'seed.example.org': ['2001:db8::2', '9.9.9.9', '1.2.3.4', '2001:db8::1', '1.2.3.4'] });
    expect(await resolveHost(r, 'seed.example.org')).toEqual(['1.2.3.4', '9.9.9.9', '2001:db8::1', '2001:db8::2']);
    expect(r.queries.sort()).toEqual(['seed.example.org/4', 'seed.example.org/6']);
  });

  it('keeps what one family answered when the other fails, skips garbage records', async () => {
    const r = {
      resolve4: async () => ['5.6.7.8', 'not-an-ip'],
      resolve6: async () => {
        throw new Error('queryAaaa ENODATA');
      },
    };
    expect(await resolveHost(r, 'v4only.example.org')).toEqual(['5.6.7.8']);
  });

  it('throws ResolveError naming the host when nothing comes back', async () => {
    const err = await resolveHost(fakeResolver({}), 'nowhere.example.org').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResolveError);
    expect((err as ResolveError).host).toBe('nowhere.example.org');
    expect((err as Error).message).toMatch(/nowhere\.example\.org.*ENOTFOUND/);
  });
});
