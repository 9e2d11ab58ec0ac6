import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  CreateThingCommand,
  DeleteThingCommand,
  DescribeThingCommand,
  IoTClient,
  ListThingsCommand,
  UpdateThingCommand,
} from '@aws-sdk/client-iot';
import { spawnEmulator } from './process';
import { startTestEmulator, TEST_CREDENTIALS } from './harness';

const client = (url: string) =>
  new IoTClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });

async function listAll(
  iot: IoTClient,
): Promise<Map<string, { version?: number; attributes?: Record<string, string> }>> {
  const all = new Map<string, { version?: number; attributes?: Record<string, string> }>();
  let token: string | undefined;
  do {
    const page = await iot.send(new ListThingsCommand({ maxResults: 250, nextToken: token }));
    for (const t of page.things ?? []) all.set(t.thingName!, { version: t.version, attributes: t.attributes });
    token = page.nextToken;
  } while (token);
  return all;
}

describe('durability', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-emu-durable-'));
    dirs.push(d);
    return d;
  };

  test('state and the CA survive a clean restart', async () => {
    const dataDir = tempDir();
    const first = await startTestEmulator({ dataDir });
    await first.iot.send(new CreateThingCommand({ thingName: 'kept', attributePayload: { attributes: { a: '1' } } }));
    const rootPem = first.emulator.context.pki.root.certificatePem;
    await first.close();
    const second = await startTestEmulator({ dataDir });
    const d = await second.iot.send(new DescribeThingCommand({ thingName: 'kept' }));
    assert.deepEqual(d.attributes, { a: '1' });
    assert.equal(second.emulator.context.pki.root.certificatePem, rootPem, 'the same root CA after restart');
    await second.close();
  });

  test('SIGKILL during a write loop loses no acknowledged write', async () => {
    const dataDir = tempDir();
    // A small snapshot interval makes compaction happen during the loop, so a kill can land inside it too.
    const env = { IOT_EMULATOR_DATA_DIR: dataDir, IOT_EMULATOR_SNAPSHOT_EVERY: '150' };
    const proc = await spawnEmulator(env);
    const iot = client(proc.url);

    // What the emulator acknowledged: thing name -> expected state (undefined = deleted).
    const acked = new Map<string, { version: number; attributes: Record<string, string> } | undefined>();
    let killed = false;
    const writer = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const name = `w${w}-${i}`;
        try {
          await iot.send(
            new CreateThingCommand({ thingName: name, attributePayload: { attributes: { n: String(i) } } }),
          );
          acked.set(name, { version: 1, attributes: { n: String(i) } });
          if (i % 3 === 0) {
            await iot.send(new UpdateThingCommand({ thingName: name, attributePayload: { attributes: { n: 'u' } } }));
            acked.set(name, { version: 2, attributes: { n: 'u' } });
          }
          if (i % 5 === 0) {
            await iot.send(new DeleteThingCommand({ thingName: name }));
            acked.set(name, undefined);
          }
        } catch (err) {
          // After the kill, the process is gone and this request was never acknowledged.
          if (killed) return;
          throw err;
        }
      }
    };
    const writers = Array.from({ length: 6 }, (_, w) => writer(w));
    // Kill once the loop has real progress (however slow this machine is), at a random moment after.
    for (let i = 0; i < 600 && acked.size < 150; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, Math.random() * 400));
    proc.child.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    await proc.exited;
    iot.destroy();
    assert.ok(acked.size > 100, `the loop made progress before the kill (${acked.size} things)`);

    const again = await spawnEmulator(env);
    const iot2 = client(again.url);
    try {
      const found = await listAll(iot2);
      for (const [name, expected] of acked) {
        if (expected === undefined) {
          assert.ok(!found.has(name), `${name} was deleted and acknowledged, yet it is back`);
        } else {
          const got = found.get(name);
          assert.ok(got, `${name} was acknowledged but is missing after the crash`);
          // A write in flight at the kill may have landed without its answer: never less than acknowledged.
          assert.ok(got.version! >= expected.version, `${name} lost an acknowledged update`);
        }
      }
      // And the restarted emulator keeps working on the recovered state.
      await iot2.send(new CreateThingCommand({ thingName: 'after-crash' }));
    } finally {
      iot2.destroy();
      again.child.kill('SIGTERM');
      assert.equal(await again.exited, 0, 'SIGTERM shuts down cleanly');
    }
  });

  test('a torn last journal line is dropped and the rest is recovered', async () => {
    const dataDir = tempDir();
    const first = await startTestEmulator({ dataDir, snapshotEvery: 1_000_000 });
    await first.iot.send(new CreateThingCommand({ thingName: 'whole' }));
    // Simulate a process that died mid-write: leave the journal open-ended without closing (no snapshot).
    const journal = path.join(dataDir, 'state', 'journal.jsonl');
    const before = fs.readFileSync(journal, 'utf8');
    await first.close();
    fs.mkdirSync(path.dirname(journal), { recursive: true });
    fs.rmSync(path.join(dataDir, 'state', 'snapshot.json'), { force: true });
    fs.writeFileSync(journal, before + '[["things","torn",{"thingN');
    const second = await startTestEmulator({ dataDir });
    const all = await listAll(second.iot);
    assert.ok(all.has('whole'));
    assert.ok(!all.has('torn'));
    await second.close();
  });
});
