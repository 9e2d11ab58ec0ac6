/**
 * The path (and query) of the page a request is for, as proxy.ts saw it: a page or server action redirected
 * to sign-in comes back to it. Next.js gives server components no URL; proxy.ts overwrites any copy the client
 * sent. The `_rsc` cache-busting parameter of client navigations is dropped.
 */
export const PATH_HEADER = 'x-dashboard-path';

export function requestPath(url: URL): string {
  const search = new URLSearchParams(url.search);
  search.delete('_rsc');
  const query = search.toString();
  return `${url.pathname}${query ? `?${query}` : ''}`;
}

/** Whether every %-escape of a path decodes (as UTF-8): Next decodes path segments for params and fails otherwise. */
export function decodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}
