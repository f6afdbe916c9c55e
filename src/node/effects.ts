// Carries out the governor's effects, in order: dials, disconnects, temperatures, address-book calls, anchors, events.

import { formatEndpoint } from '../core/address/index.js';
import type { GovernorEffect } from '../core/governor/index.js';
import type { DisconnectReason } from '../wire/reasons.js';
import { frameBytes } from './counters.js';
import type { NodeSession } from './session.js';

/** The DISCONNECT reason code that matches a governor reason (its words go in the message). */
export function disconnectReasonFor(reason: string): DisconnectReason {
  if (/^banned/.test(reason)) return 'banned';
  if (/^evicted/.test(reason)) return 'evicted';
  if (/^churn/.test(reason)) return 'churn';
  if (/^feeler/.test(reason)) return 'done';
  if (/over target/.test(reason)) return 'surplus';
  if (/^reputation/.test(reason)) return 'score';
  if (/shut(ting)? ?down/.test(reason)) return 'shutdown';
  return 'requested';
}

/** DISCONNECT messages carry at most 255 bytes of text. */
function clip(text: string): string {
  let s = text;
  while (Buffer.byteLength(s, 'utf8') > 255) s = s.slice(0, -1);
  return s;
}

export function executeEffects(s: NodeSession, effects: readonly GovernorEffect[]): void {
  for (const e of effects) executeEffect(s, e);
}

function executeEffect(s: NodeSession, e: GovernorEffect): void {
  switch (e.type) {
    case 'dial':
      s.dials.start(e.endpoint, e.purpose, e.expectedId);
      return;
    case 'cancelDial':
      s.dials.cancel(e.endpoint);
      return;
    case 'disconnect': {
      const rec = e.id !== undefined ? s.table.get(e.id) : undefined;
      if (rec) {
        void rec.connection.disconnect(disconnectReasonFor(e.reason), clip(e.reason));
        return;
      }
      // Nothing to close (it is gone already, or an admitted inbound never arrived): report it closed.
      s.driver.feed({ type: 'disconnected', ...(e.id !== undefined ? { id: e.id } : {}), endpoint: e.endpoint, reason: `already closed (${e.reason})` });
      return;
    }
    case 'acceptInbound':
    case 'refuseInbound':
      // Answered in the admission hook, which steps the governor synchronously.
      return;
    case 'promote':
      s.table.setTemperature(e.id, 'hot');
      return;
    case 'demote':
      s.table.setTemperature(e.id, 'warm');
      return;
    case 'bookGood':
      s.book.good(e.endpoint);
      return;
    case 'bookAttempt':
      s.book.attempt(e.endpoint, e.countFailure);
      return;
    case 'bookConnected':
      s.book.connected(e.endpoint);
      return;
    case 'resolveCollisions':
      s.book.resolveCollisions();
      return;
    case 'sendGetAddr':
      if (s.exchange.sendGetAddr(e.id)) s.counters.message('out', 'getaddr', frameBytes.getaddr());
      return;
    case 'saveAnchors': {
      const now = s.scheduler.now();
      const anchors = e.endpoints.map((ep) => {
        const key = formatEndpoint(ep);
        const rec = s.table.findByEndpoint(key);
        return { id: rec?.id ?? '', endpoint: key, connectedAt: rec?.connection.connectedAt ?? now };
      });
      s.guard('saving anchors', () => s.store.setAnchors(anchors));
      return;
    }
    case 'requestAddresses':
      void s.discovery.requestAddresses(e.reason).catch((err: Error) => s.reportError('discovery', err));
      return;
    case 'emit':
      s.publish(e.event);
      return;
    default: {
      const never: never = e;
      throw new TypeError(`unknown governor effect ${JSON.stringify(never)}`);
    }
  }
}
