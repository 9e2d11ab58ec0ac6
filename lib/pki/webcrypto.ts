/**
 * The global WebCrypto, which browsers (in a secure context) and Node (>= 19) both provide, and the few byte
 * helpers the browser CA needs around it.
 */

export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto is not available here (it needs a secure context: https or localhost).');
  return s;
}

export async function sha(name: 'SHA-1' | 'SHA-256', data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(name, data as BufferSource));
}

/** Lowercase hex, no separators. */
export const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** A certificate serial: 16 random bytes, positive (top bit clear) and with no leading zero byte. */
export function randomSerial(): Uint8Array {
  const s = crypto.getRandomValues(new Uint8Array(16));
  s[0] = (s[0]! & 0x7f) | 0x01;
  return s;
}
