import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { declaredActions, PUBLIC_ACTIONS, serverActionModules } from './testing/action-roles';

/**
 * Server actions are public POST endpoints: a page's check does not protect the actions on it. Every exported
 * action in a 'use server' module states the role it needs and checks it before anything else (sign-in and
 * sign-out excepted), through lib/auth/action.ts or `await requireRole(...)` as its first statement. Found on
 * disk, so a new action cannot slip past. e2e/roles.spec.ts then posts every one of them with real sessions
 * whose role is too small and checks each is refused.
 */
const root = path.resolve(import.meta.dirname, '../..');

describe('server actions', () => {
  const actions = declaredActions(root);

  test('there are server actions to check', () => {
    assert.ok(actions.length >= 40, `found ${actions.length}`);
  });

  test('every export of a server action module is a function the checks below can see', () => {
    for (const file of serverActionModules(root)) {
      const source = fs.readFileSync(file, 'utf8');
      const exported = [...source.matchAll(/^export (?:async function|const|function|let|var) (\w+)/gm)].map(
        (m) => m[1],
      );
      const seen = new Set(actions.filter((a) => path.join(root, a.file) === file).map((a) => a.name));
      for (const name of exported)
        assert.ok(seen.has(name!), `${path.relative(root, file)}: ${name} is not a recognised action`);
    }
  });

  for (const action of actions) {
    if (PUBLIC_ACTIONS.has(action.name)) continue;
    test(`${action.file}: ${action.name} states its role (${action.role ?? 'none'}) and checks it first`, () => {
      assert.ok(
        action.role,
        `${action.name} does not start with roleAction/roleCall('<role>') or requireRole('<role>')`,
      );
    });
  }

  test('each role is the one the issue gives the operation', () => {
    const role = (name: string) => actions.find((a) => a.name === name)?.role;
    // viewer reads (no action); operator onboards, edits shadows; admin: CAs, policies, deletion, users.
    assert.equal(role('onboardCreateCertificate'), 'operator');
    assert.equal(role('createBulkJob'), 'operator');
    assert.equal(role('saveDesiredAction'), 'operator');
    assert.equal(role('deleteThingAction'), 'admin');
    assert.equal(role('deleteCertificateAction'), 'admin');
    assert.equal(role('registerCaAction'), 'admin');
    assert.equal(role('createPolicyAction'), 'admin');
    assert.equal(role('deleteShadowAction'), 'admin');
    assert.equal(role('createUserAction'), 'admin');
  });
});
