import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { auditLog } from '../db/audit';
import type { Database } from '../db/database';
import { testDrivers } from '../db/testing/drivers';
import { usersRepository } from '../db/users';
import { type Auth, createAuth } from './better-auth';
import { claimValues, OidcConfigError, oidcConfigFromEnv, parseRoleMap, roleForClaims } from './oidc';
import { startOidcProvider } from './testing/oidc-test-provider';

describe('OIDC configuration and the claim -> role mapping', () => {
  it('reads the provider, the client and the group map from the environment', () => {
    assert.equal(oidcConfigFromEnv({}), undefined);
    assert.deepEqual(
      oidcConfigFromEnv({
        OIDC_ISSUER: 'https://idp.example.com/realms/acme/',
        OIDC_CLIENT_ID: 'dashboard',
        OIDC_CLIENT_SECRET: 's3cret',
        OIDC_ROLE_MAP: 'iot-admins=admin, iot-ops=Operator,staff=viewer',
      }),
      {
        issuer: 'https://idp.example.com/realms/acme',
        clientId: 'dashboard',
        clientSecret: 's3cret',
        roleClaim: 'groups',
        roleMap: { 'iot-admins': 'admin', 'iot-ops': 'operator', staff: 'viewer' },
        scopes: ['openid', 'email', 'profile'],
        name: 'Single sign-on',
      },
    );
    assert.throws(() => oidcConfigFromEnv({ OIDC_ISSUER: 'https://idp' }), OidcConfigError);
    assert.throws(
      () => oidcConfigFromEnv({ OIDC_ISSUER: 'https://idp', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' }),
      /OIDC_ROLE_MAP must map at least one group/,
    );
    assert.throws(() => parseRoleMap('ops=root'), /"root" is not a role/);
    assert.throws(() => parseRoleMap('justagroup'), /is not group=role/);
  });

  it('gives the highest role any of the groups maps to, and none when no group maps', () => {
    const config = { roleClaim: 'groups', roleMap: parseRoleMap('staff=viewer,iot-ops=operator,iot-admins=admin') };
    assert.equal(roleForClaims({ groups: ['staff', 'iot-ops'] }, config), 'operator');
    assert.equal(roleForClaims({ groups: 'staff iot-admins' }, config), 'admin');
    assert.equal(roleForClaims({ groups: ['sales'] }, config), undefined);
    assert.equal(roleForClaims({}, config), undefined);
    assert.deepEqual(claimValues({ realm_access: { roles: ['a', 'b', 3] } }, 'realm_access.roles'), ['a', 'b']);
  });
});

const BASE_URL = 'http://localhost:3000';

/** The groups the test provider puts in each person's claims (changed between sign-ins by the tests). */
const GROUPS: Record<string, string[]> = {
  ada: ['iot-ops', 'staff'],
  bob: ['sales'],
};

function startProvider() {
  return startOidcProvider({ redirectUris: [`${BASE_URL}/api/auth/callback/oidc`], groups: GROUPS });
}

const unescapeHtml = (s: string) => s.replaceAll('&#x2F;', '/').replaceAll('&#x3D;', '=').replaceAll('&amp;', '&');

/**
 * A browser's trip: the dashboard's sign-in redirect, the provider's login and consent forms (its development
 * interactions accept any password), back to the dashboard's callback, which better-auth answers.
 */
async function signInThroughProvider(auth: Auth, sub: string): Promise<Response> {
  const headers = new Headers({ 'x-forwarded-for': '192.0.2.50', origin: BASE_URL });
  const start = await auth.api.signInSocial({
    body: { provider: 'oidc', callbackURL: `${BASE_URL}/things`, errorCallbackURL: `${BASE_URL}/signin` },
    headers,
    returnHeaders: true,
  });
  const dashboardCookies = start.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = start.response.url!;
  for (let hop = 0; hop < 20 && !url.startsWith(BASE_URL); hop++) {
    let res = await fetch(url, { redirect: 'manual', headers: { cookie: cookie() } });
    keep(res);
    if (res.status === 200) {
      const html = await res.text();
      const action = unescapeHtml(/<form[^>]*action="([^"]+)"/.exec(html)![1]!);
      const prompt = /name="prompt" value="(\w+)"/.exec(html)![1]!;
      const form: Record<string, string> = prompt === 'login' ? { prompt, login: sub, password: 'any' } : { prompt };
      res = await fetch(new URL(action, url), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
      });
      keep(res);
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider answered ${res.status} without a redirect`);
    url = new URL(location, url).href;
  }
  headers.set('cookie', dashboardCookies);
  return auth.handler(new Request(url, { headers }));
}

for (const driver of testDrivers) {
  describe(`OpenID Connect sign-in against a real provider, on ${driver.name}`, () => {
    let database: Database;
    let provider: Awaited<ReturnType<typeof startProvider>>;
    let auth: Auth;
    before(async () => {
      GROUPS.ada = ['iot-ops', 'staff'];
      database = await driver.open();
      provider = await startProvider();
      auth = createAuth({
        db: database.db,
        secret: 'oidc-test-secret-oidc-test-secret-0123',
        baseURL: BASE_URL,
        oidc: {
          issuer: provider.issuer,
          clientId: 'dashboard',
          clientSecret: 'dashboard-client-secret',
          roleClaim: 'groups',
          roleMap: parseRoleMap('staff=viewer,iot-ops=operator,iot-admins=admin'),
          scopes: ['openid', 'email', 'profile', 'groups'],
          name: 'Test IdP',
        },
      });
    });
    after(async () => {
      await provider?.close();
      await database?.close();
    });

    it('signs a person in with the role their groups map to, and follows their groups at every sign-in', async () => {
      const res = await signInThroughProvider(auth, 'ada');
      assert.equal(res.status, 302, await res.clone().text());
      assert.equal(res.headers.get('location'), `${BASE_URL}/things`);
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
      assert.equal(session?.user.email, 'ada@example.com');
      assert.equal((session?.user as { role?: string } | undefined)?.role, 'operator');

      GROUPS.ada = ['iot-admins'];
      await signInThroughProvider(auth, 'ada');
      assert.equal((await usersRepository(database.db).byLogin('ada@example.com'))?.role, 'admin');
      const accounts = await database.db.selectFrom('accounts').select(['provider_id', 'password']).execute();
      assert.deepEqual(accounts, [{ provider_id: 'oidc', password: null }], 'an SSO user has no password');
    });

    it('refuses a person whose groups map to no role, with a clear message, and makes no account', async () => {
      const res = await signInThroughProvider(auth, 'bob');
      assert.equal(res.status, 302);
      const location = new URL(res.headers.get('location')!);
      assert.equal(location.origin + location.pathname, `${BASE_URL}/signin`);
      assert.equal(location.searchParams.get('error'), 'no_role');
      assert.match(location.searchParams.get('error_description')!, /no role in this dashboard/);
      assert.ok(
        !res.headers.getSetCookie().some((c) => c.startsWith('dashboard.session_token=') && !c.includes('Max-Age=0')),
      );
      assert.equal(await usersRepository(database.db).byLogin('bob@example.com'), undefined);

      // Someone who had a role and lost their groups is refused too.
      GROUPS.ada = ['sales'];
      const again = await signInThroughProvider(auth, 'ada');
      assert.equal(new URL(again.headers.get('location')!).searchParams.get('error'), 'no_role');
      const denied = (await auditLog(database.db).page({ outcome: 'denied', actions: ['auth.sign-in'] })).events;
      assert.deepEqual(denied.map((e) => e.actor.name).sort(), ['ada@example.com', 'bob@example.com']);
      GROUPS.ada = ['iot-ops', 'staff'];
    });
  });
}
