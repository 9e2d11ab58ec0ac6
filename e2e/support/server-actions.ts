import fs from 'node:fs';
import path from 'node:path';

import type { APIRequestContext } from '@playwright/test';

/**
 * Server actions as the production build knows them (Next's server-reference manifest: each action's id, its
 * source file and export name, and the pages it is bundled with), and a way to post one by id the way a
 * browser's form or a forged request would.
 */
export interface BuiltAction {
  id: string;
  file: string;
  name: string;
  /** A page that carries it, to post to. */
  pagePath: string;
}

function pagePathOf(worker: string): string {
  const segments = worker
    .replace(/^app\//, '')
    .replace(/\/?page$/, '')
    .split('/')
    .filter((s) => s && !s.startsWith('('))
    .map((s) => (s.startsWith('[') ? 'sample-1' : s));
  return `/${segments.join('/')}`;
}

export function builtActions(root = process.cwd()): BuiltAction[] {
  const file = path.join(root, process.env.NEXT_DIST_DIR || '.next', 'server', 'server-reference-manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    node: Record<string, { filename?: string; exportedName?: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node)
    .filter(([, a]) => a.filename?.startsWith('app/') && a.exportedName)
    .map(([id, a]) => {
      const pages = Object.keys(a.workers).filter((w) => w.endsWith('/page'));
      return { id, file: a.filename!, name: a.exportedName!, pagePath: pagePathOf(pages[0] ?? 'app/page') };
    });
}

/**
 * Posts a server action by id with the given arguments (JSON, as React encodes plain values) and returns the
 * status and the body (React's flight format: the action's answer appears as JSON in it).
 */
export async function postAction(
  request: APIRequestContext,
  action: Pick<BuiltAction, 'id' | 'pagePath'>,
  args: unknown[],
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const res = await request.post(action.pagePath, {
    headers: {
      'next-action': action.id,
      'content-type': 'text/plain;charset=UTF-8',
      accept: 'text/x-component',
      ...headers,
    },
    data: JSON.stringify(args),
    failOnStatusCode: false,
    maxRedirects: 0,
  });
  return { status: res.status(), body: await res.text() };
}
