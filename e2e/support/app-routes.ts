import fs from 'node:fs';
import path from 'node:path';

/** The app's pages and route handlers, found on disk so a spec that must cover each cannot miss a new one. */

/** Every page under app/(console), dynamic segments given a sample value. */
export function consolePagePaths(): string[] {
  const root = path.join(process.cwd(), 'app', '(console)');
  const out: string[] = [];
  const walk = (dir: string, route: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) {
        if (entry.name === 'page.tsx') out.push(route || '/');
        continue;
      }
      // Dynamic segments get a sample value; the redirect must come before any lookup.
      const segment = entry.name.startsWith('[') ? 'sample-1' : entry.name;
      walk(path.join(dir, entry.name), entry.name.startsWith('(') ? route : `${route}/${segment}`);
    }
  };
  walk(root, '');
  return out.sort();
}

/**
 * Route handlers that answer without a session, each with the reason. Nothing else may: the auth spec
 * checks every other route answers 401 to a signed-out request.
 */
export const PUBLIC_ROUTES: Readonly<Record<string, string>> = {
  '/api/health':
    'load balancers and orchestrators probe it without an account; it reveals only ok / not ok per check ' +
    '(lib/server/health.ts) and changes nothing',
};

/**
 * Every route handler under app/api and its methods, except better-auth's own (/api/auth: sign-in and the
 * OpenID Connect callback take no session by nature) and the PUBLIC_ROUTES above.
 */
export function apiRoutes(): { route: string; method: string; file: string }[] {
  const root = path.join(process.cwd(), 'app', 'api');
  const out: { route: string; method: string; file: string }[] = [];
  const walk = (dir: string, route: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (route === '' && entry.name === 'auth') continue;
        walk(full, `${route}/${entry.name.startsWith('[') ? 'sample-1' : entry.name}`);
      } else if (entry.name === 'route.ts') {
        const source = fs.readFileSync(full, 'utf8');
        if (`/api${route}` in PUBLIC_ROUTES) continue;
        for (const m of source.matchAll(/export (?:async function|const) (GET|POST|PUT|PATCH|DELETE)\b/g))
          out.push({ route: `/api${route}`, method: m[1]!, file: path.relative(process.cwd(), full) });
      }
    }
  };
  walk(root, '');
  return out.sort((a, b) => `${a.route} ${a.method}`.localeCompare(`${b.route} ${b.method}`));
}
