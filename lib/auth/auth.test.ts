import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { dashboardCredentials, MissingPasswordError, sessionSecret } from './credentials';
import { MAX_FAILURES, SignInLimiter, WINDOW_MS } from './rate-limit';
import { passwordMatches, signSession, verifySession } from './token';

describe('session tokens', () => {
  const secret = 's'.repeat(40);
  test('a signed token verifies and carries the user', () => {
    const token = signSession({ u: 'admin', exp: Date.now() / 1000 + 60 }, secret);
    assert.equal(verifySession(token, secret)?.u, 'admin');
  });
  test('a token signed with another secret, altered, or expired is refused', () => {
    const token = signSession({ u: 'admin', exp: Date.now() / 1000 + 60 }, secret);
    assert.equal(verifySession(token, 'x'.repeat(40)), null);
    const [body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'root', exp: 9e9 })).toString('base64url');
    assert.equal(verifySession(`${forged}.${sig}`, secret), null);
    assert.equal(verifySession(`${body}.`, secret), null);
    assert.equal(verifySession(signSession({ u: 'admin', exp: Date.now() / 1000 - 1 }, secret), secret), null);
    assert.equal(verifySession(undefined, secret), null);
  });
  test('password comparison is exact', () => {
    assert.ok(passwordMatches('pw', 'pw', secret));
    assert.ok(!passwordMatches('pw ', 'pw', secret));
    assert.ok(!passwordMatches('', 'pw', secret));
  });
});

describe('sign-in rate limit', () => {
  test(`${MAX_FAILURES} failures within a minute lock the key until the window passes`, () => {
    let now = 0;
    const limiter = new SignInLimiter(() => now);
    for (let i = 0; i < MAX_FAILURES; i++) {
      assert.equal(limiter.retryAfter('admin'), 0);
      limiter.fail('admin');
      now += 1000;
    }
    assert.ok(limiter.retryAfter('admin') > 0);
    assert.equal(limiter.retryAfter('other'), 0, 'other users are not affected');
    now = WINDOW_MS + 1;
    assert.equal(limiter.retryAfter('admin'), 0);
  });
  test('a success clears the failures', () => {
    const limiter = new SignInLimiter(() => 0);
    for (let i = 0; i < MAX_FAILURES - 1; i++) limiter.fail('admin');
    limiter.succeed('admin');
    limiter.fail('admin');
    assert.equal(limiter.retryAfter('admin'), 0);
  });
});

describe('dashboard credentials', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'dash-creds-'));
  test('local mode without a password makes one once and keeps it (mode 0600)', () => {
    const dir = tmp();
    const first = dashboardCredentials({ DASHBOARD_DATA_DIR: dir });
    assert.equal(first.source, 'generated');
    assert.ok(first.password.length >= 20);
    const again = dashboardCredentials({ DASHBOARD_DATA_DIR: dir });
    assert.equal(again.password, first.password);
    assert.equal(again.source, 'file');
    assert.equal(fs.statSync(path.join(dir, 'password')).mode & 0o777, 0o600);
    fs.rmSync(dir, { recursive: true });
  });
  test('AWS mode refuses to run without DASHBOARD_PASSWORD', () => {
    assert.throws(() => dashboardCredentials({ IOT_MODE: 'aws', DASHBOARD_DATA_DIR: tmp() }), MissingPasswordError);
    assert.equal(dashboardCredentials({ IOT_MODE: 'aws', DASHBOARD_PASSWORD: 'pw' }).password, 'pw');
  });
  test('the user defaults to admin; the session secret is stable', () => {
    const dir = tmp();
    assert.equal(dashboardCredentials({ DASHBOARD_PASSWORD: 'x' }).user, 'admin');
    assert.equal(sessionSecret({ DASHBOARD_DATA_DIR: dir }), sessionSecret({ DASHBOARD_DATA_DIR: dir }));
    assert.equal(sessionSecret({ SESSION_SECRET: 'k'.repeat(32) }), 'k'.repeat(32));
    fs.rmSync(dir, { recursive: true });
  });
});
