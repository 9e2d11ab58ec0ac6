import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  children,
  commonNameOnly,
  content,
  DerError,
  ecdsaSignatureToDer,
  OID,
  oid,
  oidToString,
  raw,
  readRoot,
  readTlv,
  seq,
  time,
  tlv,
  unsignedInteger,
} from './der';

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('DER writing', () => {
  test('times before 2050 are UTCTime, from 2050 GeneralizedTime (RFC 5280)', () => {
    assert.equal(hexOf(time(new Date('2049-12-31T23:59:59Z'))), '170d' + Buffer.from('491231235959Z').toString('hex'));
    assert.equal(
      hexOf(time(new Date('2050-01-01T00:00:00Z'))),
      '180f' + Buffer.from('20500101000000Z').toString('hex'),
    );
  });

  const integers: [string, number[], string][] = [
    ['zero stays one byte', [0], '020100'],
    ['leading zeros are dropped', [0, 0, 5], '020105'],
    ['a set top bit gets a 0x00 first', [0x80], '02020080'],
    ['a set top bit after leading zeros', [0, 0xff, 1], '020300ff01'],
  ];
  for (const [name, bytes, want] of integers) {
    test(`unsignedInteger: ${name}`, () => assert.equal(hexOf(unsignedInteger(new Uint8Array(bytes))), want));
  }

  test('lengths of 128 bytes and more use the long form', () => {
    assert.equal(hexOf(tlv(0x04, new Uint8Array(127))).slice(0, 4), '047f');
    assert.equal(hexOf(tlv(0x04, new Uint8Array(128))).slice(0, 6), '048180');
    assert.equal(hexOf(tlv(0x04, new Uint8Array(300))).slice(0, 8), '0482012c');
  });

  test('object identifiers round-trip, multi-byte arcs included', () => {
    for (const dotted of Object.values(OID)) {
      const der = oid(dotted);
      assert.equal(oidToString(content(der, readRoot(der, 0x06))), dotted);
    }
    assert.equal(hexOf(oid(OID.commonName)), '0603550403');
    assert.equal(hexOf(oid(OID.ecdsaWithSha256)), '06082a8648ce3d040302');
  });

  test('a common-name-only Name is what OpenSSL writes for /CN=x', () => {
    assert.equal(hexOf(commonNameOnly('x')), '300c310a300806035504030c0178');
  });

  test('an ECDSA P1363 signature becomes a SEQUENCE of two minimal INTEGERs', () => {
    const p1363 = new Uint8Array([0x00, 0x01, 0x80, 0x02]);
    assert.equal(hexOf(ecdsaSignatureToDer(p1363, 2)), '3008020101' + '0203008002');
  });
});

describe('DER reading', () => {
  const der = seq(tlv(0x02, new Uint8Array([1])), seq(tlv(0x04, new Uint8Array([0xaa, 0xbb]))));

  test('children and their raw and content bytes', () => {
    const root = readRoot(der);
    const [int, inner] = children(der, root);
    assert.equal(int!.tag, 0x02);
    assert.equal(hexOf(raw(der, int!)), '020101');
    const [octets] = children(der, inner!);
    assert.equal(hexOf(content(der, octets!)), 'aabb');
  });

  test('a Buffer read stays a Buffer', () => {
    const buf = Buffer.from(der);
    assert.ok(Buffer.isBuffer(content(buf, readRoot(buf))));
  });

  const broken: [string, Uint8Array, RegExp][] = [
    ['empty input', new Uint8Array([]), /truncated DER element/],
    ['a length past the end', new Uint8Array([0x30, 0x05, 0x01]), /runs past its container/],
    ['a truncated long length', new Uint8Array([0x30, 0x82, 0x01]), /truncated DER length/],
    ['an indefinite length', new Uint8Array([0x30, 0x80, 0x00, 0x00]), /unsupported DER length/],
    ['a high tag number', new Uint8Array([0x1f, 0x01, 0x00]), /high-tag-number/],
  ];
  for (const [name, bytes, message] of broken) {
    test(`refused: ${name}`, () =>
      assert.throws(
        () => readTlv(bytes, 0),
        (e) => e instanceof DerError && message.test(e.message),
      ));
  }

  test('readRoot wants the expected tag and nothing after it', () => {
    assert.throws(() => readRoot(new Uint8Array([0x31, 0x00])), /expected tag 0x30, got 0x31/);
    assert.throws(() => readRoot(new Uint8Array([0x30, 0x00, 0x00])), /trailing bytes/);
  });
});
