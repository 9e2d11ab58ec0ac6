import fs from 'node:fs';

import { DescribeThingCommand } from '@aws-sdk/client-iot';

import { declaredActions, PUBLIC_ACTIONS } from '../lib/auth/testing/action-roles';
import { createThings, expect, test } from './fixtures';
import { E2E_ENV, requireEnv } from './stack';
import { apiRoutes } from './support/app-routes';
import { builtActions, postAction } from './support/server-actions';
import { addSession, cookieHeader, sessionOf } from './support/sessions';

const refusal = (role: string, needed: string) => `Your role (${role}) cannot do this: it needs ${needed}.`;

test.describe('a viewer', () => {
  test.use({ role: 'viewer' });

  test('reads everything, and is shown what needs a larger role', async ({ page, iot }) => {
    const name = `roles-viewer-${Date.now().toString(36)}`;
    await createThings(iot, [name], { color: 'blue' });
    await page.goto(`/things/${name}`);
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(page.getByText('Signed in as viewer')).toBeVisible();

    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Things' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Onboard a device' })).toHaveCount(0);
    await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);

    // Controls a viewer cannot use are disabled and say which role they need.
    await expect(page.getByRole('button', { name: 'Delete…' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Credentials bundle' })).toBeDisabled();
    await expect(page.getByText('Needs admin')).toBeVisible();
    await expect(page.getByText('Editing attributes needs operator; your role is viewer.')).toBeVisible();
    await expect(page.getByText('blue', { exact: true })).toBeVisible();

    // A page that needs more says so in plain words.
    await page.goto('/onboard');
    await expect(page).toHaveURL(/\/not-allowed\?need=operator/);
    await expect(page.getByText('Your role (viewer) cannot open this page')).toBeVisible();
    await expect(page.getByText('needs operator.')).toBeVisible();
  });

  test("a forged server-action call with the viewer's cookie is refused, and nothing changes", async ({
    page,
    iot,
  }) => {
    const name = `roles-forged-${Date.now().toString(36)}`;
    await createThings(iot, [name]);
    await page.goto(`/things/${name}`);
    const action = builtActions().find((a) => a.name === 'deleteThingAction')!;
    // What a script in the viewer's browser would send: the action's id, posted to the page, cookie attached.
    const answer = await page.evaluate(
      async ({ id, path, thing }) => {
        const form = new FormData();
        form.set('name', thing);
        form.set('confirm', thing);
        const body = new FormData();
        body.set('0', JSON.stringify([{ status: 'idle' }, '$K1']));
        for (const [k, v] of form.entries()) body.set(`1_${k}`, v);
        const res = await fetch(path, {
          method: 'POST',
          headers: { 'Next-Action': id, Accept: 'text/x-component' },
          body,
        });
        return { status: res.status, text: await res.text() };
      },
      { id: action.id, path: `/things/${name}/delete`, thing: name },
    );
    expect(answer.text).toContain(refusal('viewer', 'admin'));
    const thing = await iot.send(new DescribeThingCommand({ thingName: name }));
    expect(thing.thingName).toBe(name);
  });

  test('route handlers that need more answer 403 with the reason', async ({ request }) => {
    const cookie = cookieHeader(await sessionOf('viewer'));
    const bundle = await request.get('/api/things/anything/bundle', { headers: { cookie }, failOnStatusCode: false });
    expect(bundle.status()).toBe(403);
    expect((await bundle.json()).error).toBe(refusal('viewer', 'operator'));
    const publish = await request.post('/api/mqtt/sessions/sample-1', {
      headers: { cookie },
      data: { op: 'publish', topic: 'roles/test', payload: 'hello' },
      failOnStatusCode: false,
    });
    expect(publish.status()).toBe(403);
    const zip = await request.get('/api/bulk-jobs/00000000-0000-4000-8000-000000000000?certificates=1', {
      headers: { cookie },
      failOnStatusCode: false,
    });
    expect(zip.status()).toBe(403);
    const claim = await request.get('/api/provisioning/claims/AAAAAAAAAAAAAAAAAAAAAA', {
      headers: { cookie },
      failOnStatusCode: false,
    });
    expect(claim.status()).toBe(403);
    expect((await claim.json()).error).toBe(refusal('viewer', 'admin'));
    // The audit trail is an admin's, even to read: an operator is refused its export too.
    for (const role of ['viewer', 'operator'] as const) {
      const exported = await request.get('/api/audit/export?format=json', {
        headers: { cookie: cookieHeader(await sessionOf(role)) },
        failOnStatusCode: false,
      });
      expect(exported.status(), role).toBe(403);
      expect((await exported.json()).error).toBe(refusal(role, 'admin'));
    }
    // Reading is a viewer's: the session route answers who is signed in.
    const me = await request.get('/api/session', { headers: { cookie } });
    expect(await me.json()).toEqual({ name: 'viewer', role: 'viewer' });
  });
});

test.describe('an operator', () => {
  test.use({ role: 'operator' });

  test('onboards and edits, and is shown what needs an admin', async ({ page, iot }) => {
    const name = `roles-operator-${Date.now().toString(36)}`;
    await createThings(iot, [name]);
    await page.goto(`/things/${name}`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Onboard a device' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Credentials bundle' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Delete…' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Save attributes' })).toBeVisible();

    await page.goto('/cas/new');
    await expect(page).toHaveURL(/\/not-allowed\?need=admin/);
    await page.goto('/users');
    await expect(page).toHaveURL(/\/not-allowed\?need=admin/);
    await page.goto('/onboard');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page).toHaveURL(/\/onboard$/);
  });
});

test('an operator and a viewer side by side: each can do only what their role allows', async ({ browser, iot }) => {
  const name = `roles-pair-${Date.now().toString(36)}`;
  await createThings(iot, [name]);
  const baseURL = requireEnv(E2E_ENV.baseUrl);
  const contexts = await Promise.all([browser.newContext({ baseURL }), browser.newContext({ baseURL })]);
  try {
    const [operatorContext, viewerContext] = contexts;
    await addSession(operatorContext!, await sessionOf('operator'));
    await addSession(viewerContext!, await sessionOf('viewer'));
    const [operator, viewer] = await Promise.all([operatorContext!.newPage(), viewerContext!.newPage()]);
    await operator.goto(`/things/${name}/shadow`);
    await viewer.goto(`/things/${name}/shadow`);
    await viewer.waitForSelector('html[data-hydrated]', { state: 'attached' });
    await operator.waitForSelector('html[data-hydrated]', { state: 'attached' });

    // The operator creates the shadow; the viewer has no control to do it.
    await expect(viewer.getByRole('button', { name: 'New named shadow' })).toBeDisabled();
    await expect(viewer.getByRole('button', { name: 'Create with this desired state' })).toHaveCount(0);
    await operator.getByRole('button', { name: 'Create with this desired state' }).click();
    await expect(operator.getByText('Version 1', { exact: true })).toBeVisible({ timeout: 15_000 });

    await viewer.reload();
    await expect(viewer.getByText('Version 1', { exact: true })).toBeVisible();
    await expect(viewer.getByText('Editing the desired state needs operator.')).toBeVisible();
    await expect(viewer.getByRole('button', { name: 'Delete shadow' })).toBeDisabled();
    await expect(operator.getByRole('button', { name: 'Delete shadow' })).toBeDisabled();
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});

test.describe('every server action', () => {
  // Posted outside any page: only the answers matter here.
  test.use({ signedIn: false });

  test('states a role that the build knows, and refuses every session whose role is too small', async ({ request }) => {
    test.setTimeout(180_000);
    const declared = declaredActions(process.cwd()).filter((a) => !PUBLIC_ACTIONS.has(a.name));
    const built = builtActions();
    const cookies = {
      viewer: cookieHeader(await sessionOf('viewer')),
      operator: cookieHeader(await sessionOf('operator')),
    };
    const smaller = { viewer: [], operator: ['viewer'], admin: ['viewer', 'operator'] } as const;
    let refusals = 0;
    for (const action of declared) {
      const b = built.find((x) => x.file === action.file && x.name === action.name);
      expect(b, `${action.file} ${action.name} is in the build`).toBeDefined();
      for (const role of smaller[action.role!]) {
        // One argument that every refusal can name (a rollback names each item it was asked to undo).
        const answer = await postAction(request, b!, [[{ kind: 'thing', thingName: 'forged-by-spec' }]], {
          cookie: cookies[role],
        });
        expect(answer.body, `${action.name} as ${role}`).toContain(refusal(role, action.role!));
        refusals++;
      }
    }
    expect(refusals).toBeGreaterThan(60);
  });
});

test('every route handler that needs more than a viewer is listed in the role spec above', () => {
  // Routes whose guard names operator or admin anywhere: each needs a 403 check in "route handlers that need more".
  const checked = [
    'app/api/things/[name]/bundle/route.ts',
    'app/api/mqtt/sessions/[id]/route.ts',
    'app/api/bulk-jobs/[id]/route.ts',
    'app/api/provisioning/claims/[token]/route.ts',
    'app/api/audit/export/route.ts',
  ];
  const stricter = [...new Set(apiRoutes().map((r) => r.file))].filter((file) =>
    /routeGuard\(request, '(operator|admin)'\)/.test(fs.readFileSync(file, 'utf8')),
  );
  expect(stricter.sort()).toEqual(checked.sort());
});
