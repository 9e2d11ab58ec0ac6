/**
 * Things list benchmark: server time of the dashboard's Things page with 10,000 things in the registry.
 * - first page (no filter): one ListThings(maxResults 25) call, whatever the registry size; goal < 1 s;
 * - name-prefix search with a cold index (`refresh=1` rebuilds it: 40 ListThings calls of 250);
 * - name-prefix search with a warm index (served from memory).
 * Each is the p50 over ~20 requests, timed from request to the last byte of the HTML over loopback.
 *
 * The emulator runs in this process with durability on; the dashboard is the production build, signed in
 * with a session cookie (scripts/dashboard-stack.ts).
 */
import { randomUUID } from 'node:crypto';

import { arns } from '../../emulator/config';
import type { ThingRecord } from '../../emulator/store/records';
import { startDashboardStack } from '../dashboard-stack';
import { percentile, type Figure } from './report';

const THINGS = 10_000;
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
  const stack = await startDashboardStack({
    // 10,000 things go straight into the emulator's store, 500 per transaction: seconds instead of
    // minutes of CreateThing calls, and this bench measures the list, not CreateThing
    // (scripts/bench/emulator.ts does). Half have a thing type, all have two attributes.
    beforeNext: async (emulator) => {
      const ctx = emulator.context;
      const thingArn = arns(ctx.config).thing;
      ctx.store.commit((tx) =>
        tx.put('thingTypes', 'bench-sensor', {
          thingTypeName: 'bench-sensor',
          thingTypeId: randomUUID(),
          thingTypeArn: arns(ctx.config).thingType('bench-sensor'),
          properties: {},
          deprecated: false,
          creationDate: ctx.now(),
        }),
      );
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
    },
  });
  try {
    const next = stack.next;
    const cookie = `${stack.session.name}=${stack.session.value}`;
    const n = opts.quick ? 5 : 20;

    // Warm-up: the server's first requests load route code and open sockets.
    await timeRequests(`${next.url}/things`, cookie, 2, name(0));

    const firstPage = await timeRequests(`${next.url}/things`, cookie, n, name(24));
    const cold = await timeRequests(`${next.url}/things?q=bench-0421&refresh=1`, cookie, n, name(4219));
    await timeRequests(`${next.url}/things?q=bench-07`, cookie, 1, name(7000)); // builds the index once
    const warm = await timeRequests(`${next.url}/things?q=bench-07`, cookie, n, name(7024));
    const warmFiltered = await timeRequests(
      `${next.url}/things?q=bench-0&type=bench-sensor&attr=site%3Dsite-4`,
      cookie,
      n,
      name(4),
    );

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
    await stack.close();
  }
}
