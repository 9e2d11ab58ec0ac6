/**
 * Just enough DER to read certificates, CSRs and keys and to write certificates: one copy for the browser CA
 * (lib/pki/ca-*.ts) and the local IoT Core's issuing CA (emulator/pki/certificates.ts). Hand-rolled because both
 * sit on hot paths (a thousand device certificates signed in a browser tab; CreateCertificateFromCsr on the
 * onboarding path): building a certificate from cached byte strings costs a fraction of a generic ASN.1 library's
 * object model. Pure and isomorphic: Uint8Array only, no Buffer (a Buffer passed in comes back out of the readers).
 */

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

/** One tag-length-value element inside a byte array: the tag byte, where its content starts and ends. */
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

/** The whole element (header and content), sharing `buf`'s memory (a Buffer stays a Buffer). */
export const raw = <B extends Uint8Array>(buf: B, t: Tlv): B => buf.subarray(t.start, t.end) as B;
/** The element's content bytes, sharing `buf`'s memory (a Buffer stays a Buffer). */
export const content = <B extends Uint8Array>(buf: B, t: Tlv): B => buf.subarray(t.contentStart, t.end) as B;

/** The dotted form of an OBJECT IDENTIFIER's content bytes, e.g. `2.5.4.3`. */
export function oidToString(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const out = [Math.min(2, Math.floor(bytes[0]! / 40)), 0];
  out[1] = bytes[0]! - 40 * out[0]!;
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    v = v * 128 + (bytes[i]! & 0x7f);
    if (!(bytes[i]! & 0x80)) {
      out.push(v);
      v = 0;
    }
  }
  return out.join('.');
}

// ---------------------------------------------------------------------------------------------
// Writing

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | bytes.length, ...bytes];
}

export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(parts);
  const head = [tag, ...lengthBytes(body.length)];
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

export const seq = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]) => tlv(0x31, ...parts);
export const octetString = (b: Uint8Array) => tlv(0x04, b);
/** A BIT STRING with no unused bits (signatures, keys). */
export const bitString = (b: Uint8Array) => tlv(0x03, new Uint8Array([0]), b);
/** A context-specific constructed tag `[n]`, as X.509 wraps its version and extensions. */
export const explicit = (n: number, ...parts: Uint8Array[]) => tlv(0xa0 | n, ...parts);
export const NULL = new Uint8Array([0x05, 0x00]);
export const BOOLEAN_TRUE = new Uint8Array([0x01, 0x01, 0xff]);
export const utf8String = (s: string) => tlv(0x0c, new TextEncoder().encode(s));

/** An OBJECT IDENTIFIER from its dotted form, e.g. `oid('2.5.4.3')`. */
export function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const group: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      group.unshift(0x80 | (v & 0x7f));
      v = Math.floor(v / 128);
    }
    bytes.push(...group);
  }
  return tlv(0x06, new Uint8Array(bytes));
}

/** A non-negative INTEGER from big-endian magnitude bytes, minimally encoded (a 0x00 first when the top bit is set). */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return trimmed[0]! & 0x80 ? tlv(0x02, new Uint8Array([0]), trimmed) : tlv(0x02, trimmed);
}

/** UTCTime for 1950-2049, GeneralizedTime otherwise, as RFC 5280 4.1.2.5 requires; whole seconds, Zulu. */
export function time(d: Date): Uint8Array {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const y = d.getUTCFullYear();
  const rest = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  const ascii = new TextEncoder();
  return y >= 1950 && y < 2050
    ? tlv(0x17, ascii.encode(pad(y % 100) + rest))
    : tlv(0x18, ascii.encode(pad(y, 4) + rest));
}

/** ECDSA's raw r||s signature (WebCrypto's P1363 form, `size` bytes each) as the DER SEQUENCE X.509 carries. */
export function ecdsaSignatureToDer(p1363: Uint8Array, size: number): Uint8Array {
  return seq(unsignedInteger(p1363.subarray(0, size)), unsignedInteger(p1363.subarray(size, 2 * size)));
}

// ---------------------------------------------------------------------------------------------
// X.509 pieces both certificate writers use

/** The object identifiers certificates and keys are made of (dotted form). */
export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  commonName: '2.5.4.3',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** A Name of a single CommonName (UTF8String; RFC 5280 limits it to 64 characters). */
export function commonNameOnly(cn: string): Uint8Array {
  return seq(set(seq(oid(OID.commonName), utf8String(cn))));
}
