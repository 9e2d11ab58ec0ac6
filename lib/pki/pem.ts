/**
 * PEM encoding, one way for browser and server alike (no Buffer): base64 of the DER in 64-character
 * lines between `-----BEGIN <label>-----` and `-----END <label>-----`, with a trailing newline, as OpenSSL
 * writes it.
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
