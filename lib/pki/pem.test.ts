import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  base64ToBytes,
  containsPrivateKey,
  pemBlockDer,
  pemFooter,
  pemHeader,
  pemToDer,
  readPemBlocks,
  toPem,
} from './pem';

describe('PEM', () => {
  const der = new Uint8Array(100).map((_, i) => i);

  test('toPem writes 64-column lines and a trailing newline; readPemBlocks reads it back', () => {
    const pem = toPem('CERTIFICATE', der);
    assert.ok(pem.split('\n').every((line) => line.length <= 64));
    assert.ok(pem.endsWith('-----END CERTIFICATE-----\n'));
    const [block] = readPemBlocks(pem);
    assert.equal(block!.label, 'CERTIFICATE');
    assert.deepEqual(pemBlockDer(block!), der);
  });

  test('blocks are found among other text, in order, with Windows line ends', () => {
    const text = `Bag Attributes: x\r\n${toPem('CERTIFICATE', der).replace(/\n/g, '\r\n')}junk\n${toPem('PRIVATE KEY', der)}`;
    assert.deepEqual(
      readPemBlocks(text).map((b) => b.label),
      ['CERTIFICATE', 'PRIVATE KEY'],
    );
    assert.deepEqual(pemBlockDer(readPemBlocks(text)[0]!), der);
  });

  test('pemToDer finds the first block with the label asked for', () => {
    const text = toPem('CERTIFICATE', new Uint8Array([1])) + toPem('PRIVATE KEY', der);
    assert.deepEqual(pemToDer(text, 'PRIVATE KEY'), der);
    assert.equal(pemToDer(text, 'PUBLIC KEY'), undefined);
  });

  test('mismatched labels and encryption headers are reported, not hidden', () => {
    const [mixed] = readPemBlocks('-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----');
    assert.equal(mixed!.label, 'CERTIFICATE');
    assert.equal(mixed!.endLabel, 'PRIVATE KEY');
    const [encrypted] = readPemBlocks(
      `${pemHeader('EC PRIVATE KEY')}\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n${pemFooter('EC PRIVATE KEY')}`,
    );
    assert.equal(encrypted!.hasHeaders, true);
    assert.equal(readPemBlocks('no pem here').length, 0);
  });

  const base64: [string, string, number[] | undefined][] = [
    ['padded', 'AAE=', [0, 1]],
    ['unpadded, as OpenSSL also accepts', 'AAE', [0, 1]],
    ['empty', '', undefined],
    ['a character outside the alphabet', 'AA!A', undefined],
    ['one character too many', 'AAAAA', undefined],
    ['padding in the wrong place', 'AA=A', undefined],
    ['padding on a short group', 'AAE==', undefined],
  ];
  for (const [name, text, want] of base64) {
    test(`base64ToBytes: ${name}`, () => {
      const got = base64ToBytes(text);
      assert.deepEqual(got === undefined ? undefined : [...got], want);
    });
  }

  test('containsPrivateKey knows every private key label, and nothing else', () => {
    for (const label of [
      'PRIVATE KEY',
      'RSA PRIVATE KEY',
      'EC PRIVATE KEY',
      'ENCRYPTED PRIVATE KEY',
      'OPENSSH PRIVATE KEY',
    ]) {
      assert.ok(containsPrivateKey(`x\n-----BEGIN ${label}-----\n`), label);
    }
    assert.ok(!containsPrivateKey(toPem('CERTIFICATE', der)));
    assert.ok(!containsPrivateKey(toPem('PUBLIC KEY', der)));
  });
});
