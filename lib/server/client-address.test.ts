import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';

import {
  CLIENT_ADDRESS_HEADER,
  installClientAddressHeader,
  normaliseAddress,
  resolveClientAddress,
  TrustedProxiesError,
  trustedProxyMatcher,
} from './client-address';

describe('the client address', () => {
  it('is the TCP peer when no proxy is trusted, whatever X-Forwarded-For the client sends', () => {
    const none = trustedProxyMatcher([]);
    assert.equal(resolveClientAddress('203.0.113.9', '198.51.100.1', none), '203.0.113.9');
    assert.equal(resolveClientAddress('::ffff:127.0.0.1', undefined, none), '127.0.0.1');
  });

  it('walks X-Forwarded-For from the right through trusted proxies only', () => {
    const trusted = trustedProxyMatcher(['10.0.0.5', '10.1.0.0/16']);
    // The client prepended a fake entry; the proxies appended what they saw.
    assert.equal(resolveClientAddress('10.0.0.5', '1.1.1.1, 203.0.113.7, 10.1.2.3', trusted), '203.0.113.7');
    assert.equal(resolveClientAddress('10.0.0.5', undefined, trusted), '10.0.0.5');
    assert.equal(resolveClientAddress('10.9.9.9', '203.0.113.7', trusted), '10.9.9.9', 'not a trusted proxy');
    assert.equal(resolveClientAddress('10.0.0.5', 'garbage, 10.1.2.3', trusted), '10.1.2.3', 'a malformed hop stops');
    const v6 = trustedProxyMatcher(['fd00::/8']);
    assert.equal(resolveClientAddress('fd00::1', '[2001:db8::7]:5000', v6), '2001:db8::7');
  });

  it('normalises addresses and refuses a trusted-proxy entry that is not one', () => {
    assert.equal(normaliseAddress('192.0.2.1:8080'), '192.0.2.1');
    assert.equal(normaliseAddress('not-an-ip'), undefined);
    assert.throws(() => trustedProxyMatcher(['proxy.internal']), TrustedProxiesError);
    assert.throws(() => trustedProxyMatcher(['10.0.0.0/40']), TrustedProxiesError);
  });

  it('is stamped on every request a real HTTP server receives, over any copy the client sent', async () => {
    installClientAddressHeader(['127.0.0.2']);
    const server = http.createServer((req, res) => res.end(String(req.headers[CLIENT_ADDRESS_HEADER])));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const res = await fetch(url, { headers: { [CLIENT_ADDRESS_HEADER]: '6.6.6.6', 'x-forwarded-for': '7.7.7.7' } });
      assert.equal(await res.text(), '127.0.0.1');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
