/**
 * Where to send the operator after signing in: only a path on this site. Browsers read `\` as `/` and drop
 * tabs and newlines inside URLs, so `//evil`, `/\evil` and `/\t/evil` all leave the site; anything that is
 * not a plain same-origin path falls back to the default page.
 */
const DEFAULT_RETURN_PATH = '/things';
const MAX_RETURN_PATH = 2048;
const PROBE_ORIGIN = 'http://return-path.invalid';

export function safeReturnPath(raw: unknown, fallback = DEFAULT_RETURN_PATH): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_RETURN_PATH) return fallback;
  if (/[\u0000-\u001f\u007f]/.test(raw)) return fallback;
  const normalised = raw.replaceAll('\\', '/');
  if (!normalised.startsWith('/') || normalised.startsWith('//')) return fallback;
  let url: URL;
  try {
    url = new URL(normalised, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  // Dot segments can collapse into a protocol-relative path (`/a/../..//host` -> `//host`): check the result too.
  if (url.origin !== PROBE_ORIGIN || url.pathname.startsWith('//')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
