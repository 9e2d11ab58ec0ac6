import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkRequestOrigin, ownOrigin } from './origin';

const own = 'http://127.0.0.1:3000';
const check = (over: Partial<Parameters<typeof checkRequestOrigin>[0]>) =>
  checkRequestOrigin({
    method: 'POST',
    pathname: '/api/mqtt/sessions/abc',
    ownOrigin: own,
    origin: null,
    secFetchSite: null,
    ...over,
  });

describe('checkRequestOrigin', () => {
  it('lets the dashboard own pages through', () => {
    assert.deepEqual(check({ origin: own, secFetchSite: 'same-origin' }), { ok: true });
    assert.deepEqual(check({ method: 'GET', pathname: '/api/mqtt/stream', secFetchSite: 'same-origin' }), {
      ok: true,
    });
  });

  it('lets a typed URL or bookmark through (Sec-Fetch-Site: none)', () => {
    assert.deepEqual(check({ method: 'GET', pathname: '/api/things/a/bundle', secFetchSite: 'none' }), { ok: true });
  });

  it('lets clients that are not browsers through to the session check', () => {
    assert.deepEqual(check({}), { ok: true });
  });

  it('refuses another site, and another port of the same host (same-site but not same-origin)', () => {
    for (const origin of ['https://evil.example', 'http://127.0.0.1:8080', 'http://localhost:3000', 'null']) {
      const verdict = check({ origin });
      assert.equal(verdict.ok, false, origin);
      assert.equal(!verdict.ok && verdict.status, 403, origin);
    }
    for (const site of ['cross-site', 'same-site']) {
      const verdict = check({ method: 'GET', pathname: '/api/mqtt/stream', secFetchSite: site });
      assert.equal(!verdict.ok && verdict.status, 403, site);
    }
  });

  it('refuses a cross-site server action (a POST to a page)', () => {
    const verdict = check({ pathname: '/things', origin: 'http://127.0.0.1:9999', secFetchSite: 'same-site' });
    assert.equal(!verdict.ok && verdict.status, 403);
  });

  it('answers a malformed Origin with 400, not an error', () => {
    for (const origin of ['::::', 'http://', 'not a url']) {
      const verdict = check({ origin });
      assert.equal(!verdict.ok && verdict.status, 400, origin);
    }
  });

  it('lets the provider send the browser back to the sign-in callback, and nothing else under /api/auth', () => {
    const back = { method: 'GET', pathname: '/api/auth/callback/oidc', secFetchSite: 'cross-site' };
    assert.deepEqual(check(back), { ok: true });
    assert.equal(check({ ...back, method: 'POST', origin: 'https://idp.example' }).ok, false);
    assert.equal(check({ ...back, pathname: '/api/auth/sign-out' }).ok, false);
    assert.equal(check({ ...back, pathname: '/api/auth/callback/oidc/more' }).ok, false);
  });

  it('leaves a cross-site link to a page alone', () => {
    assert.deepEqual(check({ method: 'GET', pathname: '/things/dev-1', secFetchSite: 'cross-site' }), { ok: true });
  });
});

describe('ownOrigin', () => {
  it('uses the forwarded host and scheme behind a proxy', () => {
    const headers = new Headers({ host: '10.0.0.5:3000', 'x-forwarded-host': 'console.example.com' });
    assert.equal(ownOrigin(headers, true, 'x'), 'https://console.example.com');
    assert.equal(ownOrigin(new Headers({ host: '127.0.0.1:3000' }), false, 'x'), 'http://127.0.0.1:3000');
  });
});
