import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { HANDOFF_TOKEN_PATTERN, offerClaimBundle, takeClaimBundle } from './claim-handoff';

describe('trusted-user claim handoff', () => {
  const offer = (expiresAt: number) =>
    offerClaimBundle({
      templateName: 'widgets',
      certificateId: 'a'.repeat(64),
      fileName: 'widgets-claim.zip',
      zip: new Uint8Array([1, 2, 3]),
      expiresAt,
    });

  test('a link is 128 random bits, and serves its bundle once', () => {
    const token = offer(Date.now() + 60_000);
    assert.match(token, HANDOFF_TOKEN_PATTERN);
    assert.notEqual(offer(Date.now() + 60_000), token);
    assert.equal(takeClaimBundle(token)?.fileName, 'widgets-claim.zip');
    assert.equal(takeClaimBundle(token), undefined);
  });

  test('a link is gone once its claim has expired', () => {
    const now = Date.now();
    const token = offer(now + 1_000);
    assert.equal(takeClaimBundle(token, now + 1_000), undefined);
  });
});
