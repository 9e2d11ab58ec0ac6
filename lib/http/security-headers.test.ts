import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { contentSecurityPolicy, newNonce, requestIsHttps, securityHeaders } from './security-headers';

describe('security headers', () => {
  it('allows scripts only from this origin and with the response nonce, and refuses framing', () => {
    const csp = contentSecurityPolicy({ nonce: 'abc123', dev: false });
    assert.match(csp, /script-src 'self' 'nonce-abc123' 'strict-dynamic'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-eval/);
  });

  it('sends HSTS only over https', () => {
    assert.equal(securityHeaders({ nonce: 'n', dev: false, https: false })['Strict-Transport-Security'], undefined);
    assert.match(
      securityHeaders({ nonce: 'n', dev: false, https: true })['Strict-Transport-Security'] ?? '',
      /max-age=/,
    );
  });

  it('reads https from the URL or from the first X-Forwarded-Proto value', () => {
    assert.equal(requestIsHttps(new URL('https://console.example/'), null), true);
    assert.equal(requestIsHttps(new URL('http://127.0.0.1:3000/'), 'https'), true);
    assert.equal(requestIsHttps(new URL('http://127.0.0.1:3000/'), 'HTTPS, http'), true);
    assert.equal(requestIsHttps(new URL('http://127.0.0.1:3000/'), 'http'), false);
    assert.equal(requestIsHttps(new URL('http://127.0.0.1:3000/'), null), false);
  });

  it('makes a different nonce for every response', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    assert.equal(nonces.size, 100);
  });
});
