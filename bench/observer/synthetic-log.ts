// Generates large cardano-node trace logs from the fixture line shapes (for the benchmark and the memory test).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface SyntheticLogOptions {
  /** Distinct remote peers cycled through (bounds the number of sessions). Default 2000. */
  peers?: number;
  /** Time of the first line (ms). */
  startMs?: number;
}

const HOST = '"sev":"Info","thread":"71","host":"relay-1"';
const LOCAL = '172.0.118.125';

function remoteIp(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

/**
 * One cycle of lines about peer `p` (outbound) and peer `q` (inbound), in the shapes of the real
 * fixture lines: 9 peer-relevant lines and 7 of the kinds the observer ignores (block fetch, chain
 * sync, chain DB, resources, mempool, legacy block fetch). `at` is filled in by the caller.
 */
function cycle(p: string, q: string): string[] {
  const conn = (r: string, port: string) =>
    `{"localAddress":{"address":"${LOCAL}","port":"3001"},"remoteAddress":{"address":"${r}","port":"${port}"}}`;
  const status = (t: string) => `"ns":"Net.PeerSelection.Actions.StatusChanged","data":{"kind":"PeerStatusChanged","peerStatusChangeType":"${t}"},${HOST}}`;
  const cid = (c: string) => `${c} (ConnectionId {localAddress = ${LOCAL}:3001, remoteAddress = ${p}:3001})`;
  return [
    status(`ColdToWarm (Just ${LOCAL}:3001) ${p}:3001`),
    status(cid('WarmToHot')),
    `"ns":"ChainSync.Client.DownloadedHeader","data":{"block":"9d096f3fbe809021bcb78d6391751bf2725787380ea367bbe2fb93634ac613b1","blockNo":3600148,"kind":"DownloadedHeader","peer":{"connectionId":"${LOCAL}:3001 ${p}:3001"},"slot":91039899},${HOST}}`,
    `"ns":"BlockFetch.Client.CompletedBlockFetch","data":{"block":"e175320a3488c661d1b921b9cf4fb81d1c00d1b6650bf27536c859b90a1692b4","delay":0.26330237,"kind":"CompletedBlockFetch","peer":{"connectionId":"${LOCAL}:3001 ${p}:3001"},"size":2345},${HOST}}`,
    `"ns":"Net.InboundGovernor.Remote.PromotedToWarmRemote","data":{"connectionId":${conn(q, '41000')},"kind":"PromotedToWarmRemote","result":{"kind":"OperationSuccess","operationSuccess":{"dataFlow":"Duplex","kind":"InboundIdleSt"}}},${HOST}}`,
    `"ns":"ChainDB.AddBlockEvent.AddedToCurrentChain","data":{"headers":[{"blockNo":"3600148","hash":"\\"9d096f3fbe809021bcb78d6391751bf2725787380ea367bbe2fb93634ac613b1\\"","kind":"ShelleyBlock","slotNo":"91039899"}],"kind":"AddedToCurrentChain","newtip":"9d096f3fbe809021bcb78d6391751bf2725787380ea367bbe2fb93634ac613b1@91039899","tipBlockHash":"9d096f3fbe809021bcb78d6391751bf2725787380ea367bbe2fb93634ac613b1"},"sev":"Notice","thread":"27","host":"relay-1"}`,
    `"ns":"Net.InboundGovernor.Remote.InboundGovernorCounters","data":{"coldPeers":53,"hotPeers":3,"idlePeers":1,"kind":"InboundGovernorCounters","warmPeers":7},${HOST}}`,
    `"ns":"Net.InboundGovernor.Remote.PromotedToHotRemote","data":{"connectionId":${conn(q, '41000')},"kind":"PromotedToHotRemote"},${HOST}}`,
    `"ns":"Resources","data":{"Alloc":2612345480,"CentiBlkIO":0,"CentiCpu":2,"CentiGC":51,"CentiMut":60,"FsRd":0,"FsWr":0,"GcsMajor":6,"GcsMinor":82,"Heap":789577728,"Live":456637240,"NetRd":0,"NetWr":0,"RSS":944717824,"Threads":0,"kind":"ResourceStats"},${HOST}}`,
    status(cid('HotToWarm')),
    `"ns":"Mempool.AddedTx","data":{"kind":"TraceMempoolAddedTx","mempoolSize":{"bytes":5130,"numTxs":5},"tx":{"txid":"c635a305"}},${HOST}}`,
    status(cid('WarmToCooling')),
    `"ns":"Net.InboundGovernor.Transition.Transition","data":{"address":{"address":"${q}","port":"41000"},"from":"RemoteWarmSt","kind":"ConnectionManagerTransition","to":"RemoteHotSt"},"sev":"Debug","thread":"55","host":"relay-1"}`,
    status(cid('CoolingToCold')),
    `"ns":"Net.InboundGovernor.Remote.DemotedToColdRemote","data":{"connectionId":${conn(q, '41000')},"kind":"DemotedToColdRemote","result":"OperationSuccess CommitTr"},${HOST}}`,
    `LEGACY`,
  ];
}

const LEGACY_LINE =
  '{"app":[],"at":"AT","data":{"deltaq":{"G":2.472594034e-2},"head":"dda846c34c0f219c26ded0994ef0beace1dea54487d60e0b4afe5f6f4fe3d246","kind":"SendFetchRequest","length":1,"peer":{"local":{"addr":"192.168.0.137","port":"3001"},"remote":{"addr":"3.11.145.214","port":"3002"}}},"env":"8.1.1:ea2c0","host":"mainnetf","loc":null,"msg":"","ns":["cardano.node.BlockFetchClient"],"pid":"1662080","sev":"Info","thread":"17608"}';

/** Lines per cycle, and how many of them the observer turns into events. */
export const CYCLE_LINES = 16;
export const CYCLE_EVENTS = 10;

/**
 * An iterator over `count` synthetic log lines (no newline). Timestamps advance 1 ms per line with
 * 6 fractional digits, as cardano-node prints them.
 */
export function* syntheticLines(count: number, options: SyntheticLogOptions = {}): Generator<string> {
  const peers = options.peers ?? 2000;
  let ms = options.startMs ?? Date.UTC(2025, 11, 1, 7, 0, 0);
  let secondPrefix = '';
  let secondOf = -1;
  for (let i = 0, c = 0; i < count; c++) {
    const lines = cycle(remoteIp(c % peers), remoteIp(peers + (c % peers)));
    for (const body of lines) {
      if (i++ >= count) return;
      const second = Math.floor(ms / 1000);
      if (second !== secondOf) {
        secondOf = second;
        secondPrefix = new Date(second * 1000).toISOString().slice(0, 19);
      }
      const at = `${secondPrefix}.${String(ms % 1000).padStart(3, '0')}219Z`;
      ms++;
      yield body === 'LEGACY' ? LEGACY_LINE.replace('AT', at) : `{"at":"${at}",${body}`;
    }
  }
}

/** Writes `count` synthetic lines to `path`; returns the file size in bytes. */
export async function writeSyntheticLog(path: string, count: number, options: SyntheticLogOptions = {}): Promise<number> {
  const out = createWriteStream(path);
  let batch: string[] = [];
  let bytes = 0;
  for (const line of syntheticLines(count, options)) {
    batch.push(line);
    if (batch.length === 4096) {
      const text = batch.join('\n') + '\n';
      bytes += Buffer.byteLength(text);
      batch = [];
      if (!out.write(text)) await once(out, 'drain');
    }
  }
  const text = batch.length ? batch.join('\n') + '\n' : '';
  bytes += Buffer.byteLength(text);
  out.end(text);
  await once(out, 'finish');
  return bytes;
}
