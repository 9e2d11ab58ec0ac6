/**
 * Saves bytes made in the browser as a file: a Blob URL on a temporary link with `download`, revoked once
 * the browser has taken it. Nothing is sent anywhere.
 */
export function saveBytes(bytes: Uint8Array | string, fileName: string, type: string): void {
  const part: BlobPart = typeof bytes === 'string' ? bytes : new Uint8Array(bytes);
  const url = URL.createObjectURL(new Blob([part], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the download a moment to start before the URL (and the bytes behind it) is released.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
