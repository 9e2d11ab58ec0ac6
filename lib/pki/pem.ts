/**
 * PEM, one way for browser and server alike (no Buffer), read and written here only.
 *
 * Writing: base64 of the DER in 64-character lines between `-----BEGIN <label>-----` and `-----END <label>-----`,
 * with a trailing newline, as OpenSSL writes it.
 *
 * Reading: every `BEGIN ... END` block of a text, whatever surrounds it (OpenSSL's `Bag Attributes`, a chain of
 * several certificates, Windows line ends), with both labels so a caller can say which kind of block it got
 * instead of the one it wanted; the base64 body is decoded only when asked for.
 */
export const pemHeader = (label: string) => `-----BEGIN ${label}-----`;
export const pemFooter = (label: string) => `-----END ${label}-----`;

function base64(bytes: Uint8Array): string {
  let binary = '';
  // In chunks: String.fromCharCode(...all) overflows the call stack for large inputs.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function toPem(label: string, der: Uint8Array | ArrayBuffer): string {
  const lines = base64(der instanceof Uint8Array ? der : new Uint8Array(der)).match(/.{1,64}/g) ?? [];
  return `${pemHeader(label)}\n${lines.join('\n')}\n${pemFooter(label)}\n`;
}

/** One `-----BEGIN <label>----- … -----END <label>-----` block as found in a text. */
export interface PemBlock {
  /** The BEGIN line's label, e.g. `CERTIFICATE`, `PRIVATE KEY`, `CERTIFICATE REQUEST`. */
  label: string;
  /** The END line's label: the same as `label` in a well-formed block. */
  endLabel: string;
  /** The body starts with RFC 1421 headers (`Proc-Type:`, `DEK-Info:`): an OpenSSL-encrypted traditional key. */
  hasHeaders: boolean;
  /** The body, white space removed. */
  base64: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/** Every PEM block in `text`, in order. */
export function readPemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({
    label: m[1]!,
    endLabel: m[3]!,
    hasHeaders: /^[A-Za-z-]+:/m.test(m[2]!),
    base64: m[2]!.replace(/\s+/g, ''),
  }));
}

/**
 * Base64 (RFC 4648 alphabet; padding optional, as OpenSSL and Node accept) to bytes; undefined when `text` is
 * empty or not base64.
 */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!text || text.length % 4 === 1 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  if (text.endsWith('=') && text.length % 4 !== 0) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The DER inside a block; undefined when its body is not base64. */
export const pemBlockDer = (block: PemBlock) => base64ToBytes(block.base64);

/** The DER of the first well-formed `label` block in `text`; undefined when there is none or it is not base64. */
export function pemToDer(text: string, label: string): Uint8Array<ArrayBuffer> | undefined {
  const block = readPemBlocks(text).find((b) => b.label === label && b.endLabel === label);
  return block && pemBlockDer(block);
}

const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** Whether `text` holds a private key of any kind (PKCS#8, EC, RSA, encrypted, OpenSSH). */
export function containsPrivateKey(text: string): boolean {
  return PRIVATE_KEY_BEGIN.test(text);
}
