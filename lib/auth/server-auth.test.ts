import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { authConfigFromEnv } from './server-auth';

describe("the dashboard's auth configuration from the environment", () => {
  it('takes the public URL, secret, cookies, proxies, timeouts and OIDC from the environment', () => {
    const config = authConfigFromEnv({
      DASHBOARD_URL: 'https://iot.example.com/',
      BETTER_AUTH_SECRET: 'b'.repeat(40),
      DASHBOARD_SECURE_COOKIES: 'true',
      DASHBOARD_TRUSTED_PROXIES: '10.0.0.5, 10.1.0.0/16',
      DASHBOARD_SESSION_IDLE_MINUTES: '30',
      OIDC_ISSUER: 'https://idp.example.com',
      OIDC_CLIENT_ID: 'dash',
      OIDC_CLIENT_SECRET: 'x',
      OIDC_ROLE_MAP: 'ops=operator',
    });
    assert.equal(config.baseURL, 'https://iot.example.com');
    assert.equal(config.secret, 'b'.repeat(40));
    assert.equal(config.secureCookies, true);
    assert.deepEqual(config.trustedProxies, ['10.0.0.5', '10.1.0.0/16']);
    assert.equal(config.timeouts?.idleSeconds, 1800);
    assert.deepEqual(config.oidc?.roleMap, { ops: 'operator' });
  });

  it('defaults to localhost on PORT with no OIDC, and the session secret when BETTER_AUTH_SECRET is unset', () => {
    const config = authConfigFromEnv({ PORT: '3100', SESSION_SECRET: 's'.repeat(32) });
    assert.equal(config.baseURL, 'http://localhost:3100');
    assert.equal(config.secret, 's'.repeat(32));
    assert.equal(config.oidc, undefined);
    assert.equal(config.secureCookies, false);
  });
});
