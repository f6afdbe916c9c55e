// Reads a child process's output line by line, however the chunks split it.
import type { Readable } from 'node:stream';

/** Calls `onLine` with each complete line `stream` writes (without its newline). */
export function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let buffered = '';
  stream.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) onLine(line);
  });
}
