// Writes fake /proc/net/tcp and tcp6 tables for tests (an encoder independent of the parser).
import { parseIpBytes } from '../../src/core/address/index.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';

/** Hex of an IP as the kernel prints it: 32-bit words, each in host (here: little-endian) byte order. */
function hexIp(ip: string, v6: boolean, littleEndian: boolean): string {
  const bytes = parseIpBytes(ip);
  const used = v6 ? bytes : bytes.subarray(12);
  let out = '';
  for (let w = 0; w < used.length; w += 4) {
    const word = [...used.subarray(w, w + 4)];
    if (littleEndian) word.reverse();
    out += word.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');
  }
  return out;
}

export interface FakeSocket {
  local: string; // ip
  localPort: number;
  remote: string;
  remotePort: number;
  /** Hex state; default 01 (ESTABLISHED). */
  state?: string;
}

/** The text of a tcp (v6=false) or tcp6 table holding `sockets`. */
export function socketTable(sockets: FakeSocket[], v6: boolean, littleEndian = true): string {
  const rows = sockets.map((s, i) => {
    const l = `${hexIp(s.local, v6, littleEndian)}:${s.localPort.toString(16).toUpperCase().padStart(4, '0')}`;
    const r = `${hexIp(s.remote, v6, littleEndian)}:${s.remotePort.toString(16).toUpperCase().padStart(4, '0')}`;
    return `  ${String(i).padStart(3)}: ${l} ${r} ${s.state ?? '01'} 00000000:00000000 00:00000000 00000000  1000        0 ${40000 + i} 1 0000000000000000 20 4 30 10 -1`;
  });
  return [HEADER, ...rows].join('\n') + '\n';
}
