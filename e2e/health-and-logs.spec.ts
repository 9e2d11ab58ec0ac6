import fs from 'node:fs';

import { clearFaults, expect, injectFault, test } from './fixtures';
import { requireEnv } from './stack';

/**
 * What an operator running the dashboard for a team relies on: a health route a load balancer can ask without
 * an account, and JSON log lines on stdout in which a failed AWS call carries the id of the request it was
 * made for (the id the response named), with AWS's exception, status and request id.
 */

test.describe('the health route', () => {
  test.use({ signedIn: false });

  test('answers 200 without a session: process, database and AWS each ok, nothing more', async ({ request }) => {
    const res = await request.get('/api/health');
    expect(res.status()).toBe(200);
    expect(res.headers()['cache-control']).toBe('no-store');
    expect(res.headers()['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean; ms: number }> };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.checks).sort()).toEqual(['aws', 'database', 'process']);
    for (const check of Object.values(body.checks)) expect(check.ok).toBe(true);
    // No endpoint, address, version or error text for a stranger to read.
    expect(JSON.stringify(body)).not.toMatch(/http|127\.0\.0\.1|postgres|amazonaws/);
  });
});

test.describe('the log', () => {
  test.afterEach(() => clearFaults());

  test("a failed AWS call is one JSON line with the request's id, the operation, exception, status and AWS request id", async ({
    page,
  }) => {
    const logFile = requireEnv('E2E_NEXT_LOG');
    const before = fs.readFileSync(logFile, 'utf8').length;
    await injectFault({ operation: 'DescribeThing', error: 'ThrottlingException', count: 20 });

    const res = await page.request.get('/things/log-spec-thing');
    const requestId = res.headers()['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    // The server writes the line as the call fails, before the page is sent; give the pipe a moment.
    let lines: Array<Record<string, unknown> & { aws?: Record<string, unknown> }> = [];
    await expect
      .poll(() => {
        lines = fs
          .readFileSync(logFile, 'utf8')
          .slice(before)
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        return lines.filter((l) => l.requestId === requestId && l.aws?.operation === 'DescribeThing').length;
      })
      .toBeGreaterThan(0);
    const failure = lines.find((l) => l.requestId === requestId && l.aws?.operation === 'DescribeThing')!;
    expect(failure.level).toBe('warn');
    expect(failure.aws).toMatchObject({ service: 'IoT', exception: 'ThrottlingException' });
    expect(typeof failure.aws?.httpStatus).toBe('number');
    expect(failure.aws?.requestId).toEqual(expect.any(String));
    // The access line of the same request closes it.
    await expect
      .poll(() =>
        fs
          .readFileSync(logFile, 'utf8')
          .slice(before)
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .some((l) => l.msg === 'request' && l.requestId === requestId && l.path === '/things/log-spec-thing'),
      )
      .toBe(true);
    expect(fs.readFileSync(logFile, 'utf8').slice(before)).not.toMatch(/e2e-throwaway-secret|BEGIN .*PRIVATE KEY/);
  });
});
