import type { APIRequestContext } from '@playwright/test';

import { ARGUMENTS_REFUSED } from '../lib/forms/action-input';
import { expect, test } from './fixtures';
import { E2E_ENV, requireEnv } from './stack';
import { type BuiltAction, builtActions, postAction } from './support/server-actions';
import { cookieHeader, sessionOf } from './support/sessions';

/**
 * The dashboard's part of the hostile-input suite (issue 11; the emulator's part is emulator/test/hostile-inputs.test.ts):
 * malformed and hostile requests to the route handlers, the server actions and the pages of the production build,
 * with a real session: malformed JSON, wrong types, huge strings, bad ids, path traversal in names, bad base64,
 * reserved topics, forged and malformed Origin headers, no session. Each is answered with a clear refusal (a 4xx
 * with `{ error }` from a route, an `invalid` / `failed` / `ok: false` answer from an action, a 4xx page), none
 * with a 5xx, and the dashboard still serves afterwards. The counts are printed for the record.
 */
test.use({ signedIn: false });

interface Answer {
  status: number;
  body: string;
}

interface Case {
  label: string;
  /** route: a 4xx with an error message; action: a refusal in the action's answer; page: a 4xx or a page, not 5xx. */
  kind: 'route' | 'action' | 'page';
  send: (request: APIRequestContext, cookies: Cookies) => Promise<Answer>;
  /** For routes: the status it must be (default any 4xx). */
  status?: number;
}

interface Cookies {
  admin: string;
  operator: string;
}

const ACTION_REFUSAL = /"status":"(invalid|failed)"|"ok":false|"code":"(invalid|forbidden|[a-z_]+)"/;

async function answer(res: { status(): number; text(): Promise<string> }): Promise<Answer> {
  return { status: res.status(), body: await res.text() };
}

const traversal = [
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%5C..%5Cwindows',
  'name%00null',
  'a'.repeat(300),
  '%F0%9F%92%A9-emoji',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  'with%20space',
  '%25%32%65',
  '%C0%AE%C0%AE%2F',
];

function routeCases(): Case[] {
  const cases: Case[] = [];
  const get = (label: string, path: string, status?: number, role: keyof Cookies = 'admin'): Case => ({
    label,
    kind: 'route',
    status,
    send: async (r, c) => answer(await r.get(path, { headers: { cookie: c[role] }, failOnStatusCode: false })),
  });
  for (const bad of traversal) {
    cases.push(get(`bundle of thing "${bad.slice(0, 24)}"`, `/api/things/${bad}/bundle`, 400));
    cases.push(get(`check of thing "${bad.slice(0, 24)}"`, `/api/things/${bad}/check`, 400));
    cases.push(get(`PEM of certificate "${bad.slice(0, 24)}"`, `/api/certificates/${bad}/pem`, 400));
    cases.push(get(`bulk job "${bad.slice(0, 24)}"`, `/api/bulk-jobs/${bad}`));
  }
  for (const id of ['not-a-uuid', '0', "1' OR '1'='1", '00000000-0000-0000-0000-00000000000g', 'a'.repeat(2000)]) {
    cases.push(get(`bulk job id ${id.slice(0, 24)}`, `/api/bulk-jobs/${encodeURIComponent(id)}`));
    cases.push(
      get(`bulk job certificates ${id.slice(0, 24)}`, `/api/bulk-jobs/${encodeURIComponent(id)}?certificates=1`),
    );
  }
  for (const id of ['0x', 'g'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), `${'a'.repeat(64)}%00`]) {
    cases.push(get(`certificate id ${id.slice(0, 24)}`, `/api/certificates/${id}/pem`, 400));
  }
  for (const query of [
    'format=exe',
    'format=csv&from=yesterday',
    'format=json&to=2024-02-31',
    'outcome=maybe',
    'action=DROP%20TABLE',
    `actor=${'x'.repeat(400)}`,
    `resource=${'r'.repeat(3000)}`,
    'from=2025-01-02&to=2025-01-01',
  ]) {
    cases.push(get(`audit export ?${query.slice(0, 30)}`, `/api/audit/export?${query}`, 400));
  }
  // The MQTT session route: bodies that are not JSON, not the command shape, or asks it must refuse.
  const post = (label: string, data: string, status?: number, headers: Record<string, string> = {}): Case => ({
    label,
    kind: 'route',
    status,
    send: async (r, c) =>
      answer(
        await r.post('/api/mqtt/sessions/any-session', {
          headers: { cookie: c.operator, 'content-type': 'application/json', ...headers },
          data,
          failOnStatusCode: false,
        }),
      ),
  });
  const bodies: [string, string][] = [
    ['empty body', ''],
    ['not JSON', '{op: publish'],
    ['truncated JSON', '{"op":"publish","topic":"a'],
    ['JSON null', 'null'],
    ['JSON array', '[1,2,3]'],
    ['JSON string', '"publish"'],
    ['unknown op', '{"op":"delete-everything"}'],
    ['op of the wrong type', '{"op":5}'],
    ['topic of the wrong type', '{"op":"publish","topic":123,"payload":"x"}'],
    ['payload of the wrong type', '{"op":"publish","topic":"a/b","payload":{"x":1}}'],
    ['qos 2', '{"op":"publish","topic":"a/b","payload":"x","qos":2}'],
    ['qos as a string', '{"op":"subscribe","filter":"a/#","qos":"1"}'],
    ['retain as a string', '{"op":"publish","topic":"a/b","payload":"x","retain":"yes"}'],
    ['bad encoding', '{"op":"publish","topic":"a/b","payload":"x","encoding":"hex"}'],
    ['bad base64', '{"op":"publish","topic":"a/b","payload":"not base64!","encoding":"base64"}'],
    ['base64 without padding', '{"op":"publish","topic":"a/b","payload":"YWJj ZA","encoding":"base64"}'],
    ['base64 url alphabet', '{"op":"publish","topic":"a/b","payload":"-_-_","encoding":"base64"}'],
    ['wildcard in a topic', '{"op":"publish","topic":"a/#","payload":"x"}'],
    ['plus in a topic', '{"op":"publish","topic":"a/+/b","payload":"x"}'],
    ['empty topic', '{"op":"publish","topic":"","payload":"x"}'],
    ['NUL in a topic', '{"op":"publish","topic":"a\\u0000b","payload":"x"}'],
    ['huge topic', JSON.stringify({ op: 'publish', topic: `t/${'x'.repeat(70_000)}`, payload: 'x' })],
    ['too many topic levels', JSON.stringify({ op: 'publish', topic: Array(20).fill('l').join('/'), payload: 'x' })],
    ['reserved topic', '{"op":"publish","topic":"$aws/things/x/shadow/update/accepted","payload":"{}"}'],
    ['reserved events topic', '{"op":"publish","topic":"$aws/events/presence/connected/x","payload":"{}"}'],
    ['bad filter', '{"op":"subscribe","filter":"a/#/b"}'],
    ['filter with a partial wildcard', '{"op":"subscribe","filter":"a/b#"}'],
    ['empty filter', '{"op":"unsubscribe","filter":""}'],
    ['huge filter', JSON.stringify({ op: 'subscribe', filter: `f/${'y'.repeat(70_000)}` })],
    ['deeply nested JSON', `${'['.repeat(20_000)}${']'.repeat(20_000)}`],
    ['payload over 128 KB', JSON.stringify({ op: 'publish', topic: 'a/b', payload: 'p'.repeat(140_000) })],
  ];
  for (const [label, data] of bodies) cases.push(post(`session command: ${label}`, data));
  cases.push(
    post(
      'a body over the route limit',
      JSON.stringify({ op: 'publish', topic: 'a/b', payload: 'p'.repeat(3_000_000) }),
      413,
    ),
  );
  // Requests a page from elsewhere would make with the cookie: refused before the handler.
  const valid = '{"op":"subscribe","filter":"a/#"}';
  cases.push(post('a foreign Origin', valid, 403, { origin: 'http://evil.example' }));
  cases.push(post('an Origin of another port', valid, 403, { origin: 'http://127.0.0.1:1' }));
  cases.push(post('the null Origin', valid, 403, { origin: 'null' }));
  cases.push(post('a malformed Origin', valid, 400, { origin: 'http://[::1' }));
  cases.push(post('Sec-Fetch-Site: cross-site', valid, 403, { 'sec-fetch-site': 'cross-site' }));
  cases.push(post('Sec-Fetch-Site: same-site', valid, 403, { 'sec-fetch-site': 'same-site' }));
  for (const path of [
    '/api/session',
    '/api/mqtt/stream',
    '/api/things/x/bundle',
    '/api/things/x/check',
    `/api/certificates/${'a'.repeat(64)}/pem`,
    '/api/bulk-jobs/00000000-0000-4000-8000-000000000000',
    '/api/audit/export',
  ]) {
    cases.push({
      label: `${path} without a session`,
      kind: 'route',
      status: 401,
      send: async (r) => answer(await r.get(path, { failOnStatusCode: false })),
    });
    cases.push({
      label: `${path} from a foreign Origin`,
      kind: 'route',
      status: 403,
      send: async (r, c) =>
        answer(
          await r.get(path, { headers: { cookie: c.admin, origin: 'http://evil.example' }, failOnStatusCode: false }),
        ),
    });
  }
  cases.push({
    label: 'session command without a session',
    kind: 'route',
    status: 401,
    send: async (r) =>
      answer(
        await r.post('/api/mqtt/sessions/x', { data: { op: 'subscribe', filter: 'a/#' }, failOnStatusCode: false }),
      ),
  });
  return cases;
}

/** Form actions with hostile fields: each field value as a browser's form would send it. */
function formCase(action: BuiltAction, label: string, fields: Record<string, string>): Case {
  return {
    label: `${action.name}: ${label}`,
    kind: 'action',
    send: async (r, c) => {
      const multipart: Record<string, string> = { '0': JSON.stringify([{ status: 'idle' }, '$K1']) };
      for (const [k, v] of Object.entries(fields)) multipart[`1_${k}`] = v;
      return answer(
        await r.post(action.pagePath, {
          headers: { 'next-action': action.id, accept: 'text/x-component', cookie: c.admin },
          multipart,
          failOnStatusCode: false,
          maxRedirects: 0,
        }),
      );
    },
  };
}

function callCase(action: BuiltAction, label: string, args: unknown[]): Case {
  return {
    label: `${action.name}: ${label}`,
    kind: 'action',
    send: (r, c) => postAction(r, action, args, { cookie: c.admin }),
  };
}

const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
// Only the header matters to the refusals; short lines keep this file from looking like a key on disk (the
// no-key-on-disk scan, e2e/support/private-keys.ts, looks for key material after the header).
const KEY_PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49',
  'AgEGCCqGSM49AwEH',
  '-----END PRIVATE KEY-----',
].join('\n');
const HUGE = 'h'.repeat(200_000);

function actionCases(): Case[] {
  const built = builtActions();
  const a = (name: string) => {
    const found = built.find((b) => b.name === name);
    if (!found) throw new Error(`${name} is not in the build`);
    return found;
  };
  const cases: Case[] = [];
  const names = ['../../etc/passwd', 'a'.repeat(200), 'bad name with spaces', '<script>', '\u0000nul', '..'];
  for (const name of names) {
    cases.push(formCase(a('createThingAction'), `thing name ${JSON.stringify(name.slice(0, 16))}`, { name }));
    cases.push(formCase(a('deleteThingAction'), `name ${JSON.stringify(name.slice(0, 16))}`, { name, confirm: name }));
    cases.push(
      formCase(a('createPolicyAction'), `policy name ${JSON.stringify(name.slice(0, 16))}`, { name, document: '{}' }),
    );
    cases.push(callCase(a('thingTopicsAction'), `thing ${JSON.stringify(name.slice(0, 16))}`, [name]));
    cases.push(callCase(a('activatePendingCertificateAction'), `id ${JSON.stringify(name.slice(0, 16))}`, [name]));
    cases.push(callCase(a('startBulkJob'), `job ${JSON.stringify(name.slice(0, 16))}`, [name]));
  }
  cases.push(
    formCase(a('createThingAction'), 'attribute row 5000', {
      name: 'hostile-attr',
      'attributes.5000.name': 'bad name!',
      'attributes.5000.value': 'v',
    }),
    formCase(a('createThingAction'), 'a 200 KB name', { name: HUGE }),
    formCase(a('createPolicyAction'), 'a document that is not JSON', {
      name: 'hostile-policy',
      document: '{"Version":',
    }),
    formCase(a('createPolicyAction'), 'a deeply nested document', { name: 'hostile-policy', document: deep(5000) }),
    formCase(a('createPolicyAction'), 'a 200 KB document', { name: 'hostile-policy', document: HUGE }),
    formCase(a('saveDesiredAction'), 'desired that is not JSON', {
      thingName: 'hostile-shadow',
      shadowName: '',
      version: '1',
      desired: '{"a":',
    }),
    formCase(a('saveDesiredAction'), 'deeply nested desired', {
      thingName: 'hostile-shadow',
      shadowName: '',
      version: '1',
      desired: deep(5000),
    }),
    formCase(a('saveDesiredAction'), 'a negative version', {
      thingName: 'hostile-shadow',
      shadowName: '',
      version: '-1',
      desired: '{}',
    }),
    formCase(a('saveDesiredAction'), 'a shadow name with a slash', {
      thingName: 'hostile-shadow',
      shadowName: '../classic',
      version: '1',
      desired: '{}',
    }),
    formCase(a('deleteShadowAction'), 'a traversal thing name', { thingName: '../../x', shadowName: '' }),
    formCase(a('registerCertificateAction'), 'a private key for a certificate', {
      mode: 'without-ca',
      certificatePem: KEY_PEM,
      status: 'ACTIVE',
    }),
    formCase(a('registerCertificateAction'), 'garbage PEM', {
      mode: 'without-ca',
      certificatePem: '-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----',
      status: 'ACTIVE',
    }),
    formCase(a('registerCertificateAction'), 'an unknown status', {
      mode: 'without-ca',
      certificatePem: 'x',
      status: 'PWNED',
    }),
    formCase(a('registerCaAction'), 'a private key for a CA', {
      caCertificatePem: KEY_PEM,
      verificationCertificatePem: KEY_PEM,
    }),
    formCase(a('updateCertificateStatusAction'), 'a bad id and status', { certificateId: '../x', status: 'GONE' }),
    formCase(a('deleteCertificateAction'), 'a bad id', { certificateId: 'z'.repeat(64) }),
    formCase(a('validateOnboardingAction'), 'a private key for a CSR', {
      thingName: 'hostile-onboard',
      credentialMode: 'csr',
      csrPem: KEY_PEM,
      policyMode: 'template',
      templateId: 'thing-scoped',
    }),
    formCase(a('previewBulkAction'), 'a count of a billion', {
      source: 'generator',
      prefix: 'x',
      count: '1000000000',
      start: '0',
      digits: '3',
    }),
    formCase(a('previewBulkAction'), 'a CSV that is not CSV', { source: 'csv', csv: '"unterminated,\n\u0000' }),
    formCase(a('jobControlAction'), 'a bad job id', { jobId: "1' OR 1=1 --", intent: 'cancel' }),
    formCase(a('jobControlAction'), 'an unknown intent', {
      jobId: '00000000-0000-4000-8000-000000000000',
      intent: 'explode',
    }),
    formCase(a('addToGroupAction'), 'bad names', { name: '../x', groupName: '../y' }),
    formCase(a('createUserAction'), 'a bad role and a huge name', { username: HUGE, password: 'x', role: 'root' }),
    formCase(a('setRoleAction'), 'a role that does not exist', { userId: 'nobody', role: 'superuser' }),
    formCase(a('endSessionAction'), 'unknown ids', { userId: '../x', sessionId: "' OR 1=1" }),
    formCase(a('updateAutoRegistrationAction'), 'a bad CA id', { caId: '../../x', enabled: 'maybe' }),
    formCase(a('createVersionAction'), 'a deeply nested document', { policy: 'hostile', document: deep(5000) }),
    callCase(a('addBulkDevices'), 'a private key in a CSR', [
      {
        jobId: '00000000-0000-4000-8000-000000000000',
        from: 0,
        devices: [{ thingName: 'hostile-bulk', attributes: {}, csrPem: KEY_PEM }],
      },
    ]),
    callCase(a('addBulkDevices'), 'a negative position', [
      { jobId: '00000000-0000-4000-8000-000000000000', from: -5, devices: [] },
    ]),
    callCase(a('createBulkJob'), 'options of the wrong kind', [{ jobName: 5, policyMode: 'none' }, -1]),
    callCase(a('recordBundleDownload'), 'a bad certificate id', [
      { thingName: '../x', certificateId: 'zz', withPrivateKey: true },
    ]),
    callCase(a('onboardCreateThing'), 'a traversal name', [{ thingName: '../../x', attributes: {} }]),
    callCase(a('onboardCreateCertificate'), 'a private key for a CSR', [{ kind: 'csr', csrPem: KEY_PEM }]),
    callCase(a('onboardCreateCertificate'), 'a private key for a certificate', [
      { kind: 'register', certificatePem: KEY_PEM },
    ]),
    callCase(a('onboardCreatePolicy'), 'an unknown template', [
      { policyName: 'x', templateId: '../../etc', thingArn: 'not-an-arn' },
    ]),
    callCase(a('onboardAttachPolicy'), 'a bad ARN', [{ policyName: 'x', certificateArn: 'arn:aws:evil' }]),
    callCase(a('onboardAttachThingPrincipal'), 'a bad ARN', [{ thingName: '../x', certificateArn: '../../' }]),
    callCase(a('thingTopicsAction'), 'a huge name', [HUGE.slice(0, 100_000)]),
    callCase(a('updateAttributesAction'), 'a plain string for the form', [{ status: 'idle' }, 'attributes.0.name=x']),
    callCase(a('deleteCaAction'), 'no arguments', []),
    callCase(a('startBulkJob'), 'a number', [42]),
  );
  return cases;
}

function pageCases(): Case[] {
  const pages = [
    ...traversal.map((bad) => `/things/${bad}`),
    ...traversal.slice(0, 5).map((bad) => `/things/${bad}/shadow`),
    '/things/x/shadow?shadow=..%2F..%2Fclassic',
    `/things/x/shadow?shadow=${'s'.repeat(500)}`,
    '/certificates/zz',
    `/certificates/${'a'.repeat(200)}`,
    '/cas/..%2F..',
    '/cas/x/sign',
    '/policies/%2e%2e%2f',
    `/policies/${'p'.repeat(300)}`,
    '/bulk/not-a-uuid',
    '/bulk/name%00null',
    '/certificates/%C0%AE',
    "/bulk/1'%20OR%201=1",
    '/audit?from=yesterday&outcome=maybe',
    `/audit?actor=${'a'.repeat(500)}`,
    '/things?q=%00&limit=-1&type=%2e%2e',
    '/mqtt?topic=%23&thing=..%2F..',
  ];
  return pages.map((path) => ({
    label: `page ${path.slice(0, 50)}`,
    kind: 'page' as const,
    send: async (r, c) =>
      answer(await r.get(path, { headers: { cookie: c.admin }, failOnStatusCode: false, maxRedirects: 0 })),
  }));
}

test('hostile inputs to the dashboard are each refused clearly: 0 × 5xx, the dashboard still serves', async ({
  request,
}) => {
  test.setTimeout(300_000);
  const cookies = {
    admin: cookieHeader(await sessionOf('admin')),
    operator: cookieHeader(await sessionOf('operator')),
  };
  const cases = [...routeCases(), ...actionCases(), ...pageCases()];
  const tally = { sent: 0, route4xx: 0, actionRefusals: 0, pages: 0, server5xx: 0 };
  const wrong: string[] = [];
  for (const c of cases) {
    const got = await c.send(request, cookies);
    tally.sent++;
    if (got.status >= 500) tally.server5xx++;
    const problem =
      got.status >= 500
        ? `HTTP ${got.status}`
        : c.kind === 'route'
          ? (c.status !== undefined ? got.status !== c.status : got.status < 400)
            ? `HTTP ${got.status}, expected ${c.status ?? '4xx'}`
            : !/"(error|message)":"[^"]{8,}/.test(got.body)
              ? 'no message in the answer'
              : undefined
          : c.kind === 'action'
            ? !ACTION_REFUSAL.test(got.body) && !got.body.includes(ARGUMENTS_REFUSED)
              ? 'not refused'
              : undefined
            : undefined;
    if (problem) wrong.push(`${c.label}: ${problem} ${got.body.slice(0, 160).replace(/\s+/g, ' ')}`);
    else if (c.kind === 'route') tally.route4xx++;
    else if (c.kind === 'action') tally.actionRefusals++;
    else tally.pages++;
  }
  console.log(`[hostile inputs, dashboard] ${JSON.stringify(tally)}`);
  expect(wrong, wrong.join('\n')).toEqual([]);
  expect(tally.server5xx).toBe(0);
  expect(tally.sent).toBeGreaterThanOrEqual(150);
  // Still serving: the session route answers the admin.
  const me = await request.get(`${requireEnv(E2E_ENV.baseUrl)}/api/session`, { headers: { cookie: cookies.admin } });
  expect(await me.json()).toEqual({ name: 'admin', role: 'admin' });
});
