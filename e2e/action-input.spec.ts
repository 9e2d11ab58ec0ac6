import http from 'node:http';

import { declaredActions, PUBLIC_ACTIONS } from '../lib/auth/testing/action-roles';
import {
  ACTION_BODY_LIMIT_BYTES,
  ACTION_BODY_REFUSED,
  ACTION_LENGTH_REQUIRED,
  ARGUMENTS_REFUSED,
} from '../lib/forms/action-input';
import { expect, test } from './fixtures';
import { E2E_ENV, requireEnv } from './stack';
import { builtActions, postAction } from './support/server-actions';
import { cookieHeader, sessionOf } from './support/sessions';

/**
 * A server action is a public POST endpoint: anyone with a session can call it with any arguments, not only the
 * ones its form sends. Called with the wrong shape it answers a clear refusal (issue 11, finding 5), never a 500;
 * a body larger than Next reads is refused with 413 and a sentence, never a 500.
 */
test.use({ signedIn: false });

/** Arguments no action takes: nothing, plain values where a form or an object belongs, nested junk. */
const WRONG: readonly (readonly unknown[])[] = [
  [],
  ['not a form', 42],
  [{}, {}],
  [null, null],
  [{ status: 'idle' }, 'name=x'],
  [[{ nested: { deeper: [1, 2, 3] } }], 'x'],
  [{ thingName: { a: 1 }, kind: 5, policyName: ['x'], certificateArn: {} }],
  [{ jobId: 7, from: 'zero', devices: 'all' }],
  [{}, 'x'.repeat(10_000)],
];

interface Answer {
  status: number;
  body: string;
}

/** A multipart body whose only argument is a form: what a plain `<form action={...}>` would post. */
async function postFormOnly(
  request: Parameters<typeof postAction>[0],
  action: { id: string; pagePath: string },
  cookie: string,
) {
  const res = await request.post(action.pagePath, {
    headers: { 'next-action': action.id, accept: 'text/x-component', cookie },
    multipart: { '0': JSON.stringify(['$K1']), '1_name': 'forged', '1_confirm': 'forged' },
    failOnStatusCode: false,
    maxRedirects: 0,
  });
  return { status: res.status(), body: await res.text() };
}

test('every server action refuses arguments of the wrong shape with a clear answer, never a 500', async ({
  request,
}) => {
  test.setTimeout(240_000);
  const cookie = cookieHeader(await sessionOf('admin'));
  const built = builtActions();
  const declared = declaredActions(process.cwd()).filter((a) => !PUBLIC_ACTIONS.has(a.name));
  expect(declared.length).toBeGreaterThan(40);
  const failures: string[] = [];
  let calls = 0;
  for (const action of declared) {
    const b = built.find((x) => x.file === action.file && x.name === action.name);
    expect(b, `${action.file} ${action.name} is in the build`).toBeDefined();
    const answers = [
      ...(await Promise.all(
        WRONG.map(async (args) => ({ args, ...(await postAction(request, b!, [...args], { cookie })) })),
      )),
      { args: ['<form only>'], ...(await postFormOnly(request, b!, cookie)) },
    ];
    for (const answer of answers) {
      calls++;
      // Actions that take no arguments are rightly called with none.
      if (answer.args.length === 0 && answer.body.includes('"ok":true')) continue;
      if (answer.status >= 500 || !answer.body.includes(ARGUMENTS_REFUSED)) {
        failures.push(
          `${action.name}(${JSON.stringify(answer.args).slice(0, 60)}): HTTP ${answer.status} ${answer.body.slice(0, 120)}`,
        );
      }
    }
  }
  expect(failures, failures.join('\n')).toEqual([]);
  expect(calls).toBeGreaterThan(400);
});

test('a server action body over 1 MB is refused with 413 and a sentence, never a 500', async ({ request }) => {
  const cookie = cookieHeader(await sessionOf('admin'));
  const action = builtActions().find((a) => a.name === 'createThingAction')!;
  const huge = 'x'.repeat(ACTION_BODY_LIMIT_BYTES + 1024);

  const plain = await postAction(request, action, [huge], { cookie });
  expect(plain.status).toBe(413);
  expect(JSON.parse(plain.body)).toEqual({ error: ACTION_BODY_REFUSED });

  const multipart = await request.post(action.pagePath, {
    headers: { 'next-action': action.id, accept: 'text/x-component', cookie },
    multipart: { '0': JSON.stringify([{ status: 'idle' }, '$K1']), '1_name': huge },
    failOnStatusCode: false,
  });
  expect(multipart.status()).toBe(413);
  expect(await multipart.json()).toEqual({ error: ACTION_BODY_REFUSED });

  // Without a session it is refused the same way: the size is checked before anything is read.
  const anonymous = await postAction(request, action, [huge]);
  expect(anonymous.status).toBe(413);

  // A body streamed without a declared length (a script; browsers always declare it) is refused before it is read.
  const chunked = await new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      new URL(action.pagePath, requireEnv(E2E_ENV.baseUrl)),
      {
        method: 'POST',
        headers: {
          'next-action': action.id,
          'content-type': 'text/plain;charset=UTF-8',
          accept: 'text/x-component',
          'transfer-encoding': 'chunked',
          cookie,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(['x'.repeat(1000)]));
  });
  expect(chunked.status).toBe(411);
  expect(JSON.parse(chunked.body)).toEqual({ error: ACTION_LENGTH_REQUIRED });

  // Just under the limit is read and answered by the action itself (here: wrong arguments), not refused for size.
  const under = await postAction(request, action, ['x'.repeat(ACTION_BODY_LIMIT_BYTES - 4096)], { cookie });
  expect(under.status).toBeLessThan(500);
});
