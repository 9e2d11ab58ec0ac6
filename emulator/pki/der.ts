/**
 * Just enough DER to read CSRs and certificates and to write the certificates the emulator issues.
 * Hand-rolled because CreateCertificateFromCsr is on the onboarding hot path: building a certificate
 * from cached byte strings and signing it with Node's native crypto costs a fraction of a generic
 * ASN.1 library's object model. Anything unusual falls back to @peculiar/x509 in the callers.
 */
import { toPem as pemOf } from '../../lib/pki/pem';

export class DerError extends Error {}

/** One tag-length-value element inside `buf`: the tag byte, where its content starts and ends. */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
}

export function readTlv(buf: Uint8Array, pos: number, limit = buf.length): Tlv {
  if (pos + 2 > limit) throw new DerError('truncated DER element');
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high-tag-number form is not supported');
  let len = buf[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported DER length');
    if (p + n > limit) throw new DerError('truncated DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  const end = p + len;
  if (end > limit) throw new DerError('DER element runs past its container');
  return { tag, start: pos, contentStart: p, end };
}

/** The elements directly inside a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.end) {
    const t = readTlv(buf, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

/** Reads the single top-level element of `buf` and checks nothing trails it. */
export function readRoot(buf: Uint8Array, tag = 0x30): Tlv {
  const root = readTlv(buf, 0);
  if (root.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}, got 0x${root.tag.toString(16)}`);
  if (root.end !== buf.length) throw new DerError('trailing bytes after DER element');
  return root;
}

export const raw = (buf: Buffer, t: Tlv) => buf.subarray(t.start, t.end);
export const content = (buf: Buffer, t: Tlv) => buf.subarray(t.contentStart, t.end);

// ---- writing ----

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const seq = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]) => tlv(0x31, ...parts);
export const octetString = (b: Uint8Array) => tlv(0x04, b);
export const bitString = (b: Uint8Array) => tlv(0x03, Buffer.from([0]), b);
export const oid = (hex: string) => tlv(0x06, Buffer.from(hex, 'hex'));
export const NULL = Buffer.from([0x05, 0x00]);
export const BOOLEAN_TRUE = Buffer.from([0x01, 0x01, 0xff]);
export const explicit = (n: number, ...parts: Uint8Array[]) => tlv(0xa0 | n, ...parts);

/** A non-negative INTEGER from big-endian bytes, minimally encoded. */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const b = Buffer.from(bytes.subarray(i));
  return tlv(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

/** UTCTime for 1950-2049, GeneralizedTime after, as RFC 5280 requires; whole seconds, Zulu. */
export function time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const pad = (n: number) => String(n).padStart(2, '0');
  const rest = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(`${pad(y % 100)}${rest}`, 'ascii'));
  return tlv(0x18, Buffer.from(`${String(y).padStart(4, '0')}${rest}`, 'ascii'));
}

/** A Name of a single CommonName (UTF8String). */
export function commonNameOnly(cn: string): Buffer {
  return seq(set(seq(oid('550403'), tlv(0x0c, Buffer.from(cn, 'utf8')))));
}

export const toPem = (der: Uint8Array, label = 'CERTIFICATE'): string => pemOf(label, der);
