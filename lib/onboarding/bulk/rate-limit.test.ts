import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { backoffDelay, RateLimiter, TokenBucket, type Clock } from './rate-limit';
import { jobView, rateOf } from './progress';
import type { DeviceState, JobRecord } from './types';
import { DEFAULT_JOB_SETTINGS } from './types';

describe('token bucket (GCRA)', () => {
  it('paces requests evenly at the rate once the burst is spent', () => {
    const b = new TokenBucket(10); // 100 ms apart
    const waits = Array.from({ length: 5 }, () => b.reserve(0));
    assert.deepEqual(waits, [0, 100, 200, 300, 400]);
  });

  it('lets a burst go at once, then paces', () => {
    const b = new TokenBucket(10, 3);
    assert.deepEqual(
      Array.from({ length: 5 }, () => b.reserve(0)),
      [0, 0, 0, 100, 200],
    );
  });

  it('refills while idle, but never beyond the burst', () => {
    const b = new TokenBucket(10, 2);
    b.reserve(0);
    b.reserve(0);
    // 10 s later: two tokens again, not a hundred.
    assert.deepEqual([b.reserve(10_000), b.reserve(10_000), b.reserve(10_000)], [0, 0, 100]);
  });

  it('keeps N requests at rate r to (N-1)/r seconds with a fake clock', async () => {
    let t = 0;
    const clock: Clock = { now: () => t, sleep: async (ms) => void (t = Math.max(t, ms + t)) };
    const limiter = new RateLimiter({ CreateCertificateFromCsr: 15 }, clock);
    const sent: number[] = [];
    for (let i = 0; i < 31; i++) {
      await limiter.acquire('CreateCertificateFromCsr');
      sent.push(t);
    }
    assert.ok(Math.abs(sent.at(-1)! - 2000) < 1, `30 intervals of 1/15 s = 2 s, got ${sent.at(-1)}`);
  });

  it('does not limit an operation without a rate', async () => {
    const limiter = new RateLimiter(
      { CreateThing: 1 },
      { now: () => 0, sleep: () => Promise.reject(new Error('slept')) },
    );
    for (let i = 0; i < 100; i++) await limiter.acquire('DescribeThing');
  });
});

describe('backoff with full jitter', () => {
  it('grows exponentially up to the cap, and jitters within it', () => {
    assert.equal(
      backoffDelay(0, 100, 5000, () => 0.999999),
      99,
    );
    assert.equal(
      backoffDelay(3, 100, 5000, () => 0.5),
      400,
    );
    assert.equal(
      backoffDelay(20, 100, 5000, () => 0.999999),
      4999,
    );
    assert.equal(
      backoffDelay(5, 100, 5000, () => 0),
      0,
    );
  });
});

describe('progress: rate and ETA', () => {
  it('measures devices per second over the newest finishes', () => {
    assert.equal(rateOf([], 0), undefined);
    assert.equal(rateOf([1000], 1000), undefined);
    // 11 finishes 100 ms apart: 10 intervals in 1 s.
    assert.equal(
      rateOf(
        Array.from({ length: 11 }, (_, i) => i * 100),
        1000,
      ),
      10,
    );
  });

  it('counts statuses, shows reasons and estimates the time left', () => {
    const job: JobRecord = {
      id: 'j',
      name: 'n',
      createdAt: 0,
      updatedAt: 0,
      status: 'running',
      policyName: 'p',
      policySource: 'existing',
      total: 4,
      settings: DEFAULT_JOB_SETTINGS,
    };
    const base = { jobId: 'j', runs: 1 };
    const devices: DeviceState[] = [
      { ...base, index: 0, thingName: 'a', status: 'done', finishedAt: 0 },
      { ...base, index: 1, thingName: 'b', status: 'done', finishedAt: 1000 },
      {
        ...base,
        index: 2,
        thingName: 'c',
        status: 'rolled-back',
        finishedAt: 2000,
        error: { step: 'attach-policy', code: 'invalid_request', message: 'AttachPolicy failed: no.' },
        rollback: { undone: ['thing c'], left: [] },
      },
      { ...base, index: 3, thingName: 'd', status: 'pending' },
    ];
    const view = jobView(job, devices, 2000);
    assert.equal(view.counts.done, 2);
    assert.equal(view.counts['rolled-back'], 1);
    assert.equal(view.rate, 1);
    assert.equal(view.etaSeconds, 1);
    assert.equal(view.devices[2]!.step, 'attach-policy');
    assert.match(view.devices[2]!.reason!, /AttachPolicy failed: no\. Rolled back: thing c removed\./);
  });
});
