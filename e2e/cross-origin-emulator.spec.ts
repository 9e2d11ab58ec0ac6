import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { DescribeThingCommand, ListThingsCommand } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';

import { presignMqttUrl } from '../lib/mqtt/presign';
import { emulatorAdmin, expect, test } from './fixtures';
import { E2E_ENV, requireEnv } from './stack';

/**
 * A web page from another origin on this machine, open in the operator's browser, tries to drive the local IoT
 * Core (issue 11, finding 1): create a thing with a no-cors fetch and with a form POST, inject a fault, open the
 * MQTT WebSocket with the emulator's local credentials (a valid presigned URL) and read every device's messages.
 * The emulator that global setup started refuses each; its state shows nothing changed.
 */

const CREDENTIALS = { accessKeyId: 'AKIAE2ETESTS00000000', secretAccessKey: 'e2e-throwaway-secret' };
const PROBE_TOPIC = 'attack/probe';

/** What the attacker page does, reporting on window.__attack. Plain browser JavaScript, MQTT 3.1.1 by hand. */
function attackerPage(emulator: string, wsUrl: string, thing: string, formThing: string): string {
  const script = `
const emulator = ${JSON.stringify(emulator)};
const report = (window.__attack = { fetch: 'pending', faults: 'pending', read: 'pending', wsOpened: false, wsClosed: false, messages: [] });
const bytes = (s) => Array.from(new TextEncoder().encode(s));
const str = (s) => [s.length >> 8, s.length & 255, ...bytes(s)];
const packet = (type, body) => new Uint8Array([type, body.length, ...body]);

fetch(emulator + '/things/${thing}', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' })
  .then(() => (report.fetch = 'sent'), (e) => (report.fetch = 'failed: ' + e.message));
fetch(emulator + '/_emulator/faults', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' },
  body: JSON.stringify({ operation: 'ListThings', error: 'InternalFailureException', count: 100 }) })
  .then(() => (report.faults = 'sent'), (e) => (report.faults = 'failed: ' + e.message));
fetch(emulator + '/things').then((r) => r.text()).then((t) => (report.read = 'read: ' + t.slice(0, 80)), () => (report.read = 'blocked'));
document.getElementById('form').submit();

const ws = new WebSocket(${JSON.stringify(wsUrl)}, 'mqtt');
ws.binaryType = 'arraybuffer';
ws.onopen = () => {
  report.wsOpened = true;
  ws.send(packet(0x10, [...str('MQTT'), 4, 2, 0, 60, ...str('attacker-page')]));
  ws.send(packet(0x82, [0, 1, ...str('#'), 0]));
};
ws.onmessage = (e) => {
  const b = new Uint8Array(e.data);
  if ((b[0] >> 4) === 3) report.messages.push(new TextDecoder().decode(b.slice(4, 4 + ((b[2] << 8) | b[3]))));
};
ws.onclose = () => (report.wsClosed = true);
`;
  return `<!doctype html><html><head><title>attacker</title></head><body>
<iframe name="sink" title="sink"></iframe>
<form id="form" method="POST" action="${emulator}/things/${formThing}" enctype="text/plain" target="sink">
  <input type="hidden" name='{"a":"' value='"}'>
</form>
<script>${script}</script>
</body></html>`;
}

test.describe('a page from another origin against the local IoT Core', () => {
  // The refusals the attacker page meets show in its console: the 403s, the blocked read and the WebSocket. (A list
  // of two or more patterns goes in Playwright's [value, options] form, or it would read the second as options.)
  test.use({
    signedIn: false,
    expectedPageErrors: [
      [
        /Failed to load resource: the server responded with a status of 403/,
        /Failed to load resource: net::ERR_FAILED/,
        /blocked by CORS policy/,
        /WebSocket connection to .* failed: Error during WebSocket handshake: Unexpected response code: 403/,
      ],
      { scope: 'test' },
    ],
  });

  let attacker: http.Server;
  let attackerUrl: string;
  const run = Date.now().toString(36);
  const thing = `cross-origin-fetch-${run}`;
  const formThing = `cross-origin-form-${run}`;

  test.beforeAll(async () => {
    const emulator = requireEnv(E2E_ENV.emulatorUrl);
    const wsUrl = await presignMqttUrl({
      url: `${emulator.replace(/^http/, 'ws')}/mqtt`,
      region: requireEnv(E2E_ENV.region),
      credentials: CREDENTIALS,
    });
    const html = attackerPage(emulator, wsUrl, thing, formThing);
    attacker = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  });

  test.afterAll(async () => {
    await new Promise<void>((resolve) => attacker?.close(() => resolve()));
  });

  test('cannot create a thing, inject a fault, open the MQTT WebSocket or read messages', async ({ page, iot }) => {
    const data = new IoTDataPlaneClient({
      region: requireEnv(E2E_ENV.region),
      endpoint: requireEnv(E2E_ENV.emulatorUrl),
      credentials: CREDENTIALS,
    });
    await page.goto(attackerUrl);
    await page.waitForFunction(() => {
      const r = (window as unknown as { __attack?: Record<string, unknown> }).__attack;
      return r && r.fetch !== 'pending' && r.faults !== 'pending' && r.read !== 'pending' && (r.wsClosed || r.wsOpened);
    });
    // Devices keep talking while the page listens: it must hear none of it.
    for (let i = 0; i < 5; i++) {
      await data.send(new PublishCommand({ topic: PROBE_TOPIC, qos: 1, payload: new TextEncoder().encode(`${i}`) }));
    }
    await page.waitForTimeout(500);
    const report = await page.evaluate(
      () => (window as unknown as { __attack: { wsOpened: boolean; read: string; messages: string[] } }).__attack,
    );
    // Soft checks: a regression shows every hole at once.
    expect.soft(report.wsOpened, 'the WebSocket never opens').toBe(false);
    expect.soft(report.messages, 'no device message reaches the page').toEqual([]);
    expect.soft(report.read, 'the page cannot read the API').toBe('blocked');

    // The emulator's state: no thing from either POST, no fault rule, ListThings still answers.
    for (const thingName of [thing, formThing]) {
      await expect
        .soft(iot.send(new DescribeThingCommand({ thingName })), `no thing ${thingName}`)
        .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    }
    expect.soft(await (await emulatorAdmin('faults')).json(), 'no fault rule').toEqual({ faults: [] });
    await iot.send(new ListThingsCommand({}));
    // And the page's form POST landed on a refusal, not on a created thing.
    const sink = page.frame({ name: 'sink' });
    await expect.poll(async () => (await sink?.content()) ?? '').toContain('ForbiddenException');
    data.destroy();
  });
});
