// The page's event stream client against a real local SSE server: resume with Last-Event-ID, reconnect, notice a restart.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from '../../dashboard/src/app/event-log.js';
import { EventStream, type StreamState } from '../../dashboard/src/lib/event-stream.js';
import type { EventJson } from '../../dashboard/src/lib/types.js';

const event = (seq: number): EventJson => ({ seq, at: seq * 1000, kind: 'peer:connected', peer: `p${seq}` });
const write = (res: ServerResponse, e: EventJson) => res.write(`id: ${e.seq}\nevent: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`);

describe('EventStream', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('resumes after a drop with Last-Event-ID, and reports a server whose sequence went back as a restart', async () => {
    const seen: (string | undefined)[] = [];
    let connection = 0;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      connection++;
      seen.push(req.headers['last-event-id'] as string | undefined);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (connection === 1) {
        // The first process: two events after what the page had, then it dies.
        write(res, event(6));
        res.write('event: hello\ndata: {"lastSeq":6}\n\n');
        write(res, event(7));
        setTimeout(() => res.destroy(), 50);
      } else {
        // A new process: its sequence starts again.
        res.write('event: hello\ndata: {"lastSeq":1}\n\n');
        write(res, event(2));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    close = () => server.close();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/events`;

    const events: number[] = [];
    const states: StreamState[] = [];
    let restarts = 0;
    const stream = new EventStream(
      url,
      { onEvent: (e) => events.push(e.seq), onState: (s) => states.push(s), onRestart: () => restarts++ },
      5,
    );
    stream.start();
    await expect.poll(() => events, { timeout: 5000 }).toEqual([6, 7, 2]);
    stream.stop();
    expect(seen).toEqual(['5', '7']);
    expect(restarts).toBe(1);
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting', 'live']);
  });
});

describe('EventLog', () => {
  it('ignores live events it already holds from the history, and starts over on reset', () => {
    const log = new EventLog();
    log.reset([event(1), event(2), event(3)]);
    log.add(event(3));
    log.add(event(4));
    expect(log.all().map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const version = log.version;
    log.reset([event(1)]);
    expect(log.version).toBeGreaterThan(version);
    expect(log.lastSeq).toBe(1);
  });
});
