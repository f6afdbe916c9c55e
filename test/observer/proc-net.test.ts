import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSocketTable, readEstablishedSockets, SocketTableError } from '../../src/observer/proc-net.js';
import { withTempDir } from './helpers.js';
import { socketTable } from './proc-tables.js';

const ep = (ip: string, port: number) => ({ ip, port });

describe('parseSocketTable', () => {
  it('decodes a real-format IPv4 row (little-endian host)', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:0BB9 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0000000000000000 100 0 0 10 0',
      '   1: 0100000A:0BB9 0A0200C0:C350 01 00000000:00000000 02:000A7B2D 00000000  1000        0 12346 2 0000000000000000 20 4 30 10 -1',
      '   2: 0100007F:0BB9 0100007F:9C40 06 00000000:00000000 03:00001234 00000000     0        0 0 3 0000000000000000',
      '   3: garbage',
    ].join('\n');
    // Row 0 listens (0A), row 2 is TIME_WAIT (06): only row 1 is an established connection.
    expect(parseSocketTable(text, { littleEndian: true })).toEqual([{ local: ep('10.0.0.1', 3001), remote: ep('192.0.2.10', 50000) }]);
  });

  it('decodes IPv6 and IPv4-mapped rows, on either byte order', () => {
    for (const littleEndian of [true, false]) {
      const text = socketTable(
        [
          { local: '2001:db8::1', localPort: 3001, remote: '2001:db8::20', remotePort: 6000 },
          { local: '::ffff:10.0.0.1', localPort: 3001, remote: '::ffff:203.0.113.5', remotePort: 41000 },
          { local: '2001:db8::1', localPort: 3001, remote: '2001:db8::21', remotePort: 6000, state: '08' },
        ],
        true,
        littleEndian,
      );
      expect(parseSocketTable(text, { littleEndian })).toEqual([
        { local: ep('2001:db8::1', 3001), remote: ep('2001:db8::20', 6000) },
        { local: ep('10.0.0.1', 3001), remote: ep('203.0.113.5', 41000) },
      ]);
    }
  });

  it('keeps only sockets on the node port when asked', () => {
    const text = socketTable(
      [
        { local: '10.0.0.1', localPort: 3001, remote: '192.0.2.1', remotePort: 3001 },
        { local: '10.0.0.1', localPort: 12798, remote: '192.0.2.2', remotePort: 3001 },
      ],
      false,
    );
    expect(parseSocketTable(text, { localPort: 3001, littleEndian: true }).map((s) => s.remote.ip)).toEqual(['192.0.2.1']);
  });
});

describe('readEstablishedSockets', () => {
  it('reads both tables, tolerating a missing tcp6', async () => {
    await withTempDir(async (dir) => {
      const tcp = join(dir, 'tcp');
      await writeFile(tcp, socketTable([{ local: '10.0.0.1', localPort: 3001, remote: '192.0.2.1', remotePort: 40000 }], false));
      const sockets = await readEstablishedSockets(3001, [tcp, join(dir, 'tcp6')]);
      expect(sockets).toEqual([{ local: ep('10.0.0.1', 3001), remote: ep('192.0.2.1', 40000) }]);
    });
  });

  it('throws SocketTableError when no table can be read, rather than reporting no sockets', async () => {
    await expect(readEstablishedSockets(3001, ['/nonexistent/tcp', '/nonexistent/tcp6'])).rejects.toThrow(SocketTableError);
    await expect(readEstablishedSockets(3001, ['/nonexistent/tcp'])).rejects.toThrow(/turn reconciliation off/);
  });
});
