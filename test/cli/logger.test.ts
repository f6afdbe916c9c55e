// The daemons' logs: pretty on a terminal with peer text escaped, JSON lines otherwise with the exact text and nothing raw a terminal acts on.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('../../dist/cli/logger.js', import.meta.url));
const EVIL = '\x1b[2J\x1b[H evil\u202e\u009b1m\nforged line';

/** Runs the built logger in a child (pino-pretty runs in a worker of its own) and returns what it printed. */
function logWith(pretty: boolean): string {
  const script = `
    const { createLogger } = await import(${JSON.stringify(LOGGER)});
    const log = createLogger('info', ${pretty});
    const evil = ${JSON.stringify(EVIL)};
    log.info({ event: 'peer:disconnected', reason: evil, nested: { agent: evil } }, 'disconnected: ' + evil);
    log.warn(evil);
    log.error(new Error(evil));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('logs', () => {
  it('pretty: the peer text is escaped, so only pino-pretty\u2019s own colours reach the terminal', () => {
    const out = logWith(true);
    expect(out).toContain('disconnected: \\x1b[2J\\x1b[H evil\\u202e\\x9b1m\\x0aforged line');
    // What remains of ESC is colour (ESC [ digits m), never the peer's clear-screen or cursor moves.
    // eslint-disable-next-line no-control-regex -- removing the colour sequences pino-pretty adds
    const withoutColours = out.replace(/\x1b\[[0-9;]*m/g, '');
    // eslint-disable-next-line no-control-regex -- the characters under test
    expect(withoutColours).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(out.split('\n').some((l) => l.trim().startsWith('forged line'))).toBe(false);
    // log.error(err) keeps the error's type and message.
    expect(out).toMatch(/ERROR.*\\x1b\[2J\\x1b\[H evil/);
    expect(out).toMatch(/"type": "Error"/);
  });

  it('JSON: the exact text, with nothing raw that a terminal acts on', () => {
    const out = logWith(false);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    const first = JSON.parse(lines[0]!) as { reason: string; msg: string; nested: { agent: string } };
    expect(first.reason).toBe(EVIL);
    expect(first.nested.agent).toBe(EVIL);
    expect(first.msg).toBe(`disconnected: ${EVIL}`);
    // eslint-disable-next-line no-control-regex -- the characters under test
    expect(lines.join('')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});
