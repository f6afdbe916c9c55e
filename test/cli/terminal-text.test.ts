// safeText and friends: peer-chosen text is printed with every control, separator and bidi character made visible.
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/cli/table.js';
import { safeJsonText, safeText, safeValue } from '../../src/cli/terminal-text.js';

/** Anything a terminal would act on, newline excepted. */
// eslint-disable-next-line no-control-regex -- the characters under test
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('safeText', () => {
  it('shows escapes, controls, DEL, C1 and bidi characters as visible escapes', () => {
    expect(safeText('\x1b[2J\x1b[H evil')).toBe('\\x1b[2J\\x1b[H evil');
    expect(safeText('a\nb\tc\rd\x00e\x7ff\x9bg')).toBe('a\\x0ab\\x09c\\x0dd\\x00e\\x7ff\\x9bg');
    expect(safeText('abc\u202edcba\u2066x\u2069\u200e\u2028')).toBe('abc\\u202edcba\\u2066x\\u2069\\u200e\\u2028');
    expect(safeText('line 1\nline 2\x1b', { keepNewlines: true })).toBe('line 1\nline 2\\x1b');
  });

  it('leaves ordinary text alone, accents, CJK and emoji included', () => {
    for (const s of ['peerwarden/0.1.0', 'Zürich — 東京 🚀', '', '\\x1b is already text']) expect(safeText(s)).toBe(s);
  });

  it('safeJsonText keeps the JSON value and leaves nothing active', () => {
    const value = { ua: 'x\x1b[31m\u202e\u0085\u2028y', n: 1, list: ['\u0090'] };
    const text = safeJsonText(JSON.stringify(value, null, 2));
    expect(JSON.parse(text)).toEqual(value);
    expect(text.replace(/\n/g, '')).not.toMatch(ACTIVE);
  });

  it('safeValue walks log fields, keeps non-strings, and keeps an error stack multi-line', () => {
    const err = new Error('bye \x1b[2J');
    const v = safeValue({ reason: '\x1b]0;title\x07', n: 3, nested: { list: ['\u202e'] }, err }) as Record<string, unknown>;
    expect(v).toMatchObject({ reason: '\\x1b]0;title\\x07', n: 3, nested: { list: ['\\u202e'] } });
    const e = v.err as Error;
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('bye \\x1b[2J');
    expect(e.stack!.split('\n').length).toBeGreaterThan(1);
    expect(e.stack).not.toMatch(ACTIVE);
    // The message's own newline is escaped even in the stack's first line: it cannot forge a line.
    const multi = safeValue(new RangeError('one\ntwo')) as Error;
    expect(multi).toBeInstanceOf(RangeError);
    expect(multi.stack!.split('\n')[0]).toBe('RangeError: one\\x0atwo');
  });

  it('renderTable escapes every cell, so a newline cannot forge a row', () => {
    const table = renderTable(['ID', 'AGENT'], [['abc', 'evil\n123  forged\x1b[2J']]);
    expect(table.split('\n')).toHaveLength(4);
    expect(table).toContain('evil\\x0a123  forged\\x1b[2J');
    expect(table.replace(/\n/g, '')).not.toMatch(ACTIVE);
  });
});
