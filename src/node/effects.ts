// Carries out the governor's effects, in order: dials, disconnects, temperatures, address-book calls, anchors, events.

import { formatEndpoint, type Endpoint } from '../core/address/index.js';
import type { Clock } from '../core/clock.js';
import type { DialPurpose, GovernorEffect, GovernorInput } from '../core/governor/index.js';
import type { StoredAnchor } from '../store/index.js';
import type { DisconnectReason } from '../wire/reasons.js';
import { frameSizes, type CountedMessage } from './counters.js';
import type { PeerEvent, Temperature } from './types.js';

/** A connected peer as the effects see it: its connection can be closed and says when it began. */
interface PeerHandle {
  readonly id: string;
  readonly connection: { readonly connectedAt: number | undefined; disconnect(reason: DisconnectReason, message: string): Promise<unknown> };
}

/**
 * What carrying out the governor's effects needs, and nothing more: the node session provides it
 * (and a unit test can, with a few small fakes).
 */
export interface EffectParts {
  readonly scheduler: Clock;
  readonly dials: { start(endpoint: Endpoint, purpose: DialPurpose, expectedId: string | undefined): void; cancel(endpoint: Endpoint): void };
  readonly table: { get(id: string): PeerHandle | undefined; findByEndpoint(key: string): PeerHandle | undefined; setTemperature(id: string, t: Temperature): void };
  readonly driver: { feed(input: GovernorInput): void };
  readonly book: { good(ep: Endpoint): unknown; attempt(ep: Endpoint, countFailure: boolean): unknown; connected(ep: Endpoint): unknown; resolveCollisions(): unknown };
  readonly exchange: { sendGetAddr(id: string): boolean };
  readonly counters: { message(direction: 'in' | 'out', type: CountedMessage, bytes: number): void };
  readonly store: { setAnchors(anchors: StoredAnchor[]): void };
  readonly discovery: { requestAddresses(reason: string): Promise<unknown> };
  publish(e: PeerEvent): void;
  /** Runs a chore whose failure is reported, not thrown. */
  guard(context: string, fn: () => void): void;
  reportError(context: string, err: Error): void;
}

/** DISCONNECT messages carry at most 255 bytes of text. */
function clip(text: string): string {
  let s = text;
  while (Buffer.byteLength(s, 'utf8') > 255) s = s.slice(0, -1);
  return s;
}

export function executeEffects(s: EffectParts, effects: readonly GovernorEffect[]): void {
  for (const e of effects) executeEffect(s, e);
}

function executeEffect(s: EffectParts, e: GovernorEffect): void {
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
        // The governor's cause is a DISCONNECT reason by construction; its words go in the message.
        const reason: DisconnectReason = e.cause;
        void rec.connection.disconnect(reason, clip(e.reason));
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
      if (s.exchange.sendGetAddr(e.id)) s.counters.message('out', 'getaddr', frameSizes.getaddr());
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
