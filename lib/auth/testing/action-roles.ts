import fs from 'node:fs';
import path from 'node:path';

/**
 * Every exported server action and the role it states, read from the source: `export const X =
 * roleAction('<role>', ...)` / `roleCall('<role>', ...)`, or `export async function X(...) {` whose first
 * statement is `await requireRole('<role>')`. Shared by the node test that checks each action states one and
 * the browser spec that posts each action with a session whose role is too small.
 */
export type DeclaredRole = 'viewer' | 'operator' | 'admin';

export interface DeclaredAction {
  /** Relative to the repository, as Next's server-reference manifest names it: `app/(console)/things/actions.ts`. */
  file: string;
  name: string;
  /** The role it needs; undefined when it states none (a failure, unless it is sign-in or sign-out). */
  role: DeclaredRole | undefined;
}

/** Sign-in and sign-out make and end the session: they take none. */
export const PUBLIC_ACTIONS: ReadonlySet<string> = new Set(['signInAction', 'signInWithSsoAction', 'signOutAction']);

export function serverActionModules(root: string, dir = path.join(root, 'app'), out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) serverActionModules(root, full, out);
    else if (/\.tsx?$/.test(entry.name) && /^\s*['"]use server['"]/.test(fs.readFileSync(full, 'utf8'))) out.push(full);
  }
  return out;
}

const ROLE = `'(viewer|operator|admin)'`;

export function declaredActions(root: string): DeclaredAction[] {
  const out: DeclaredAction[] = [];
  for (const full of serverActionModules(root)) {
    const file = path.relative(root, full).split(path.sep).join('/');
    const source = fs.readFileSync(full, 'utf8');
    for (const m of source.matchAll(/^export const (\w+) = (roleAction|roleCall)\(\s*([^,\n]*)/gm)) {
      const role = new RegExp(`^${ROLE}$`).exec(m[3]!.trim())?.[1] as DeclaredRole | undefined;
      out.push({ file, name: m[1]!, role });
    }
    for (const m of source.matchAll(/^export async function (\w+)\([^)]*\)[^{]*\{\n([^\n]*)/gm)) {
      const role = new RegExp(`^\\s*(?:const \\w+ = )?await requireRole\\(${ROLE}\\);`).exec(m[2]!)?.[1] as
        | DeclaredRole
        | undefined;
      out.push({ file, name: m[1]!, role });
    }
  }
  return out.sort((a, b) => `${a.file} ${a.name}`.localeCompare(`${b.file} ${b.name}`));
}
