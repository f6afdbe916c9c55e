// A block of text redrawn in place on a terminal once a second (devnet, watch, fleet): each line is
// cut to the terminal's width, so that no line wraps and the next redraw moves up exactly as many lines.

import type { CliIo } from './io.js';

/** `line` cut to `width` columns with an ellipsis (a wrapped line would throw the redraw off). */
export function fitLine(line: string, width: number | undefined): string {
  if (!width || width < 8) return line;
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
}

/** Redraws a block of lines in place; `width` is read on every draw (the terminal may be resized). */
export class LiveView {
  #lines = 0;

  constructor(
    private readonly io: CliIo,
    private readonly width: () => number | undefined = () => process.stdout.columns,
    private readonly height: () => number | undefined = () => process.stdout.rows,
  ) {}

  /** Replaces the previous block with `text` (lines beyond the terminal's height are left out). */
  draw(text: string): void {
    const width = this.width();
    let lines = text.replace(/\n$/, '').split('\n').map((l) => fitLine(l, width));
    const rows = this.height();
    if (rows && lines.length > rows - 1) lines = [...lines.slice(0, rows - 2), fitLine(`… ${lines.length - rows + 2} more lines (make the terminal taller)`, width)];
    this.io.out(`${this.#lines ? `\x1b[${this.#lines}A\x1b[J` : ''}${lines.join('\n')}\n`);
    this.#lines = lines.length;
  }

  /** Erases the block (e.g. before a final summary printed as plain text). */
  clear(): void {
    if (this.#lines) this.io.out(`\x1b[${this.#lines}A\x1b[J`);
    this.#lines = 0;
  }
}
