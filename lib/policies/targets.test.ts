import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { certificateRefInput, describeTarget, parseCertificateRef } from './targets';

const ID = 'a'.repeat(64);
const ARN = `arn:aws:iot:us-east-1:123456789012:cert/${ID}`;

describe('policy targets', () => {
  test('a certificate ARN names its certificate id', () => {
    assert.deepEqual(describeTarget(ARN), { kind: 'certificate', arn: ARN, certificateId: ID });
  });

  test('a thing group ARN names its group; anything else is kept as is', () => {
    const group = 'arn:aws:iot:us-east-1:123456789012:thinggroup/factory-1';
    assert.deepEqual(describeTarget(group), { kind: 'thingGroup', arn: group, groupName: 'factory-1' });
    assert.deepEqual(describeTarget('us-east-1:abc'), { kind: 'other', arn: 'us-east-1:abc' });
  });

  test('an operator may type a certificate id or ARN, with spaces around it', () => {
    assert.deepEqual(parseCertificateRef(` ${ID.toUpperCase()} `), { kind: 'id', certificateId: ID });
    assert.deepEqual(parseCertificateRef(ARN), { kind: 'arn', arn: ARN, certificateId: ID });
    assert.equal(parseCertificateRef('abc'), undefined);
    assert.equal(parseCertificateRef(`arn:aws:iot:us-east-1:123456789012:thing/${ID}`), undefined);
  });

  test('the form field says which forms it takes', () => {
    const empty = certificateRefInput.safeParse('  ');
    assert.ok(!empty.success);
    assert.match(empty.error.issues[0]!.message, /Enter a certificate id/);
    const bad = certificateRefInput.safeParse('not-a-cert');
    assert.ok(!bad.success);
    assert.match(bad.error.issues[0]!.message, /64 hexadecimal characters/);
    assert.equal(certificateRefInput.parse(` ${ID} `), ID);
  });
});
