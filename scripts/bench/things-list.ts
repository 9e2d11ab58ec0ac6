/**
 * Things list benchmark: server time of the dashboard's Things page with 10,000 things in the registry.
 * - first page (no filter): one ListThings(maxResults 25) call, whatever the registry size; goal < 1 s;
 * - name-prefix search with a cold index (`refresh=1` rebuilds it: 40 ListThings calls of 250);
 * - name-prefix search with a warm index (served from memory).
 * Each is the p50 over ~20 requests, timed from request to the last byte of the HTML over loopback.
 *
 * The emulator runs in this process (emulator/test/harness.ts) with durability on; the dashboard is the
 * production build, started as e2e/global-setup.ts does (scripts/next-app.ts), signed in with a session
 * cookie made with the SESSION_SECRET passed to it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { CreateThingTypeCommand } from '@aws-sdk/client-iot';

import { arns } from '../../emulator/config';
import type { ThingRecord } from '../../emulator/store/records';
import { startTestEmulator } from '../../emulator/test/harness';
import { signSession } from '../../lib/auth/token';
import { buildNext, getFreePort, isBuildStale, startNext } from '../next-app';
import { percentile, type Figure } from './report';

const THINGS = 10_000;
const SESSION_COOKIE = 'iot_dashboard_session';
const name = (i: number) => `bench-${String(i).padStart(5, '0')}`;

async function timeRequests(url: string, cookie: string, count: number, expect: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
    const html = await res.text();
    times.push(performance.now() - t0);
    if (res.status !== 200 || !html.includes(expect)) {
      throw new Error(`GET ${url} answered ${res.status} without "${expect}": the measurement would be meaningless`);
    }
  }
  return times.sort((a, b) => a - b);
}

export async function benchThingsList(opts: { quick: boolean }): Promise<Figure[]> {
  const t = await startTestEmulator();
  let stopNext: (() => Promise<void>) | undefined;
  try {
    // 10,000 things go straight into the emulator's store (t.emulator.context.store.commit), 500 per
    // transaction: seconds instead of minutes of CreateThing calls, and this bench measures the list, not
    // CreateThing (scripts/bench/emulator.ts does). Half have a thing type, all have two attributes.
    await t.iot.send(new CreateThingTypeCommand({ thingTypeName: 'bench-sensor' }));
    const ctx = t.emulator.context;
    const thingArn = arns(ctx.config).thing;
    for (let start = 0; start < THINGS; start += 500) {
      ctx.store.commit((tx) => {
        for (let i = start; i < Math.min(start + 500, THINGS); i++) {
          const record: ThingRecord = {
            thingName: name(i),
            thingId: randomUUID(),
            thingArn: thingArn(name(i)),
            thingTypeName: i % 2 === 0 ? 'bench-sensor' : undefined,
            attributes: { site: `site-${i % 10}`, serial: `sn-${i}` },
            version: 1,
            createdAt: ctx.now(),
          };
          tx.put('things', record.thingName, record);
        }
      });
    }

    if (isBuildStale()) {
      console.log('[bench] next build ...');
      await buildNext();
    }
    const sessionSecret = randomBytes(32).toString('base64url');
    const next = await startNext({
      port: await getFreePort(),
      stdio: 'pipe',
      env: {
        IOT_MODE: 'local',
        AWS_REGION: ctx.config.region,
        AWS_ENDPOINT_URL_IOT: t.url,
        AWS_ENDPOINT_URL_IOT_DATA_PLANE: t.url,
        AWS_ACCESS_KEY_ID: 'AKIDBENCH',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        DASHBOARD_USER: 'admin',
        DASHBOARD_PASSWORD: randomBytes(12).toString('base64url'),
        SESSION_SECRET: sessionSecret,
        DASHBOARD_DATA_DIR: path.join(t.dataDir, 'dashboard'),
      },
    });
    stopNext = () => next.stop();
    const cookie = `${SESSION_COOKIE}=${signSession({ u: 'admin', exp: Math.floor(Date.now() / 1000) + 3600 }, sessionSecret)}`;
    const n = opts.quick ? 5 : 20;

    // Warm-up: the server's first requests load route code and open sockets.
    await timeRequests(`${next.url}/things`, cookie, 2, name(0));

    const firstPage = await timeRequests(`${next.url}/things`, cookie, n, name(24));
    const cold = await timeRequests(`${next.url}/things?q=bench-0421&refresh=1`, cookie, n, name(4219));
    await timeRequests(`${next.url}/things?q=bench-07`, cookie, 1, name(7000)); // builds the index once
    const warm = await timeRequests(`${next.url}/things?q=bench-07`, cookie, n, name(7024));
    const warmFiltered = await timeRequests(`${next.url}/things?q=bench-0&type=bench-sensor&attr=site%3Dsite-4`, cookie, n, name(4));

    const fig = (key: string, label: string, times: number[], goal?: number): Figure => ({
      key: `things.${key}.p50_ms`,
      label,
      value: percentile(times, 50),
      unit: 'ms',
      better: 'lower',
      ...(goal === undefined ? {} : { goal }),
    });
    return [
      fig('firstPage', `GET /things first page, ${THINGS.toLocaleString('en-US')} things, p50`, firstPage, 1000),
      fig('prefixCold', 'prefix search, cold index (40 ListThings calls), p50', cold),
      fig('prefixWarm', 'prefix search, warm index, p50', warm),
      fig('prefixWarmFiltered', 'prefix + type + attribute, warm index, p50', warmFiltered),
    ];
  } finally {
    await stopNext?.();
    await t.close();
  }
}
