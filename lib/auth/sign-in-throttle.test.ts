import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { roleAllows } from './roles';
import { SessionTimeoutError, sessionTimeoutsFromEnv } from './session-timeouts';
import { DEFAULT_THROTTLE, throttleWaitMs } from './sign-in-throttle';

const none = { count: 0 };
const at = (ms: number) => new Date(ms);

describe('sign-in throttling policy', () => {
  const now = 1_000_000_000;

  it('lets the first failures through, then doubles the wait per failure up to the cap', () => {
    const wait = (count: number) =>
      throttleWaitMs({ pair: { count, last: at(now) }, address: none, account: none }, now);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(wait), [0, 0, 0, 1000, 2000, 4000, 8000]);
    assert.equal(wait(40), DEFAULT_THROTTLE.pair.capMs);
    // The wait runs from the last failure.
    assert.equal(throttleWaitMs({ pair: { count: 5, last: at(now - 1500) }, address: none, account: none }, now), 500);
  });

  it('never makes the account wait more than a minute for failures from other addresses', () => {
    const wait = throttleWaitMs({ pair: none, address: none, account: { count: 500, last: at(now) } }, now);
    assert.equal(wait, 60_000);
  });

  it('slows one address spraying many accounts', () => {
    assert.equal(throttleWaitMs({ pair: none, address: { count: 20, last: at(now) }, account: none }, now), 0);
    assert.equal(throttleWaitMs({ pair: none, address: { count: 23, last: at(now) }, account: none }, now), 4000);
  });
});

describe('roles and session timeouts', () => {
  it('orders the roles viewer < operator < admin and allows nothing to an unknown role', () => {
    assert.equal(roleAllows('admin', 'operator'), true);
    assert.equal(roleAllows('operator', 'operator'), true);
    assert.equal(roleAllows('viewer', 'operator'), false);
    assert.equal(roleAllows('user', 'viewer'), false);
    assert.equal(roleAllows(undefined, 'viewer'), false);
  });

  it('reads the idle and absolute timeouts from the environment', () => {
    assert.deepEqual(sessionTimeoutsFromEnv({}), { idleSeconds: 3600, absoluteSeconds: 43_200, refreshSeconds: 360 });
    assert.deepEqual(
      sessionTimeoutsFromEnv({ DASHBOARD_SESSION_IDLE_MINUTES: '15', DASHBOARD_SESSION_MAX_HOURS: '8' }),
      { idleSeconds: 900, absoluteSeconds: 28_800, refreshSeconds: 90 },
    );
    assert.throws(() => sessionTimeoutsFromEnv({ DASHBOARD_SESSION_IDLE_MINUTES: 'soon' }), SessionTimeoutError);
  });
});
