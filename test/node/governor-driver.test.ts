import { describe, expect, it } from 'vitest';
import { createGovernorState, type GovernorEffect, type GovernorInput } from '../../src/core/governor/index.js';
import { createRandom } from '../../src/core/random.js';
import { GovernorDriver } from '../../src/node/governor-driver.js';
import { VirtualClock } from '../../src/platform/index.js';

function setup(execute: (driver: GovernorDriver, effects: GovernorEffect[]) => void) {
  const clock = new VirtualClock();
  const random = createRandom(1);
  const state = createGovernorState({ targets: { hot: 1, outbound: 2 } }, clock, random);
  const errors: string[] = [];
  const selects: number[] = [];
  const driver: GovernorDriver = new GovernorDriver({
    state,
    scheduler: clock,
    random,
    context: {
      addresses: {
        select: () => {
          selects.push(clock.now());
          return { endpoint: { ip: '1.2.3.4', port: 7000 }, lastTry: 0 };
        },
        selectTriedCollision: () => undefined,
      },
    },
    execute: (effects) => execute(driver, effects),
    onError: (err, input) => errors.push(`${input.type}: ${err.message}`),
  });
  return { clock, state, driver, errors, selects };
}

describe('GovernorDriver', () => {
  it('applies an input fed while effects run after them, never in the middle', () => {
    const order: string[] = [];
    const { driver } = setup((d, effects) => {
      for (const e of effects) {
        order.push(e.type === 'emit' ? `emit ${e.event.type}` : e.type);
        if (e.type === 'dial') {
          d.feed({ type: 'dialFailed', endpoint: e.endpoint, reason: 'refused' });
          order.push('fed dialFailed');
        }
      }
    });
    driver.start();
    const dial = order.indexOf('dial');
    expect(dial).toBeGreaterThanOrEqual(0);
    // The rest of the tick's effects come before the failure's effects.
    expect(order.slice(dial)).toEqual(['dial', 'fed dialFailed', 'bookAttempt', 'emit peer:dialing', 'requestAddresses', 'emit peer:dial-failed']);
  });

  it('keeps one timer at state.nextTickAt and ticks when it fires', () => {
    const inputs: GovernorInput['type'][] = [];
    const { clock, state, driver } = setup(() => {});
    const feed = driver.feed.bind(driver);
    driver.feed = (input) => {
      inputs.push(input.type);
      feed(input);
    };
    driver.start();
    expect(clock.pending()).toBe(1);
    expect(clock.nextDue()).toBe(state.nextTickAt);
    clock.advanceTo(state.nextTickAt);
    expect(inputs).toEqual(['tick', 'tick']);
    expect(clock.pending()).toBe(1);
    driver.stop();
    expect(clock.pending()).toBe(0);
    driver.feed({ type: 'tick' });
    expect(inputs).toHaveLength(3);
    expect(clock.pending()).toBe(0);
  });

  it('stepNow answers synchronously without executing, and refuses while a step runs', () => {
    let inner: GovernorEffect[] | undefined | 'unset' = 'unset';
    const { driver } = setup((d) => {
      if (inner === 'unset') inner = d.stepNow({ type: 'inboundRequested', endpoint: '5.5.5.5:40000' });
    });
    const effects = driver.stepNow({ type: 'inboundRequested', endpoint: '6.6.6.6:40000' });
    expect(effects?.map((e) => e.type)).toEqual(['acceptInbound']);
    driver.start();
    expect(inner).toBeUndefined();
  });

  it('reports a throwing effect executor and keeps going', () => {
    const { driver, errors } = setup(() => {
      throw new Error('boom');
    });
    driver.start();
    driver.feed({ type: 'tick' });
    expect(errors).toEqual(['tick: boom', 'tick: boom']);
  });
});
