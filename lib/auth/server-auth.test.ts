import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { authSecret } from './secret';
import { authConfigFromEnv, SecureCookiesConfigError, wantsSecureCookies } from './server-auth';

describe("the dashboard's auth configuration from the environment", () => {
  it('takes the public URL, secret, cookies, timeouts and OIDC from the environment', () => {
    const config = authConfigFromEnv({
      DASHBOARD_URL: 'https://iot.example.com/',
      BETTER_AUTH_SECRET: 'b'.repeat(40),
      DASHBOARD_SECURE_COOKIES: 'true',
      DASHBOARD_SESSION_IDLE_MINUTES: '30',
      OIDC_ISSUER: 'https://idp.example.com',
      OIDC_CLIENT_ID: 'dash',
      OIDC_CLIENT_SECRET: 'x',
      OIDC_ROLE_MAP: 'ops=operator',
    });
    assert.equal(config.baseURL, 'https://iot.example.com');
    assert.equal(config.secret, 'b'.repeat(40));
    assert.equal(config.cookieSecurity, 'always');
    assert.equal(config.timeouts?.idleSeconds, 1800);
    assert.deepEqual(config.oidc?.roleMap, { ops: 'operator' });
    assert.throws(
      () => authConfigFromEnv({ SESSION_SECRET: 's'.repeat(32), DASHBOARD_SECURE_COOKIES: 'yes' }),
      SecureCookiesConfigError,
    );
  });

  it('defaults to localhost on PORT with no OIDC, cookies decided per request, and the session secret', () => {
    const config = authConfigFromEnv({ PORT: '3100', SESSION_SECRET: 's'.repeat(32) });
    assert.equal(config.baseURL, 'http://localhost:3100');
    assert.equal(config.secret, 's'.repeat(32));
    assert.equal(config.oidc, undefined);
    assert.equal(config.cookieSecurity, 'auto');
  });

  it('makes a secret once and keeps it (mode 0600) when none is configured', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-secret-'));
    try {
      const first = authSecret({ DASHBOARD_DATA_DIR: dir });
      assert.ok(first.length >= 32);
      assert.equal(authSecret({ DASHBOARD_DATA_DIR: dir }), first);
      assert.equal(fs.statSync(path.join(dir, 'auth-secret')).mode & 0o777, 0o600);
      assert.notEqual(authSecret({ DASHBOARD_DATA_DIR: dir, BETTER_AUTH_SECRET: 'short' }), 'short', 'too short');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Secure cookies', () => {
  const h = (proto?: string) => new Headers(proto ? { 'x-forwarded-proto': proto } : {});
  it('follow the request when not configured: https directly or through a proxy that says so', () => {
    assert.equal(wantsSecureCookies(h('https'), 'auto', 'http://localhost:3000'), true);
    assert.equal(wantsSecureCookies(h('https, http'), 'auto', 'http://localhost:3000'), true);
    assert.equal(wantsSecureCookies(h('http'), 'auto', 'http://localhost:3000'), false);
    assert.equal(wantsSecureCookies(h(), 'auto', 'https://iot.example.com'), true, 'an https public URL');
  });
  it('are always or never Secure when configured so', () => {
    assert.equal(wantsSecureCookies(h('http'), 'always', 'http://localhost:3000'), true);
    assert.equal(wantsSecureCookies(h('https'), 'never', 'http://localhost:3000'), false);
  });
});
