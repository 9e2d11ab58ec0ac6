import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AttachThingPrincipalCommand,
  CreateThingCommand,
  DeleteThingCommand,
  DetachThingPrincipalCommand,
  ListPrincipalThingsCommand,
  ListPrincipalThingsV2Command,
  ListThingPrincipalsCommand,
  ListThingPrincipalsV2Command,
} from '@aws-sdk/client-iot';
import { arns } from '../config';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';
import { insertCertificate } from './certificate-fixture';

describe('thing principals', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
  });
  after(() => t.close());

  const thing = (thingName: string) => t.iot.send(new CreateThingCommand({ thingName }));
  const attach = (
    thingName: string,
    principal: string,
    thingPrincipalType?: 'EXCLUSIVE_THING' | 'NON_EXCLUSIVE_THING',
  ) => t.iot.send(new AttachThingPrincipalCommand({ thingName, principal, thingPrincipalType }));

  test('attach is idempotent, lists both ways, and detach undoes it', async () => {
    await thing('p-thing');
    const cert = insertCertificate(t);
    await attach('p-thing', cert);
    await attach('p-thing', cert);
    const principals = await t.iot.send(new ListThingPrincipalsCommand({ thingName: 'p-thing' }));
    assert.deepEqual(principals.principals, [cert]);
    assert.equal(principals.nextToken, undefined);
    const things = await t.iot.send(new ListPrincipalThingsCommand({ principal: cert }));
    assert.deepEqual(things.things, ['p-thing']);

    await t.iot.send(new DetachThingPrincipalCommand({ thingName: 'p-thing', principal: cert }));
    await t.iot.send(new DetachThingPrincipalCommand({ thingName: 'p-thing', principal: cert })); // again: fine
    assert.deepEqual((await t.iot.send(new ListThingPrincipalsCommand({ thingName: 'p-thing' }))).principals, []);
    assert.deepEqual((await t.iot.send(new ListPrincipalThingsCommand({ principal: cert }))).things, []);
  });

  test('the thing and the certificate must exist (ResourceNotFoundException)', async () => {
    await thing('p-exists');
    const cert = insertCertificate(t);
    await expectAwsError(() => attach('p-ghost', cert), 'ResourceNotFoundException', 404);
    const missing = arns(t.emulator.config).cert('a'.repeat(64));
    const err = await expectAwsError(() => attach('p-exists', missing), 'ResourceNotFoundException', 404);
    assert.match(err.message, /Certificate a+ cannot be found/);
    await expectAwsError(() => attach('p-exists', 'garbage'), 'InvalidRequestException', 400);
    await expectAwsError(
      () => t.iot.send(new ListThingPrincipalsCommand({ thingName: 'p-ghost' })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => t.iot.send(new ListPrincipalThingsCommand({ principal: missing })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => t.iot.send(new DetachThingPrincipalCommand({ thingName: 'p-ghost', principal: cert })),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(() => attach('bad name', cert), 'InvalidRequestException', 400);
  });

  test('a Cognito identity id is a principal too', async () => {
    await thing('p-cognito');
    const id = 'us-east-1:0d9f1c3e-1234-4abc-9def-0123456789ab';
    await attach('p-cognito', id);
    assert.deepEqual((await t.iot.send(new ListPrincipalThingsCommand({ principal: id }))).things, ['p-cognito']);
  });

  test('one certificate on many things, and many certificates on one thing', async () => {
    await thing('p-multi-a');
    await thing('p-multi-b');
    const c1 = insertCertificate(t);
    const c2 = insertCertificate(t);
    await attach('p-multi-a', c1);
    await attach('p-multi-b', c1);
    await attach('p-multi-a', c2);
    assert.deepEqual((await t.iot.send(new ListPrincipalThingsCommand({ principal: c1 }))).things, [
      'p-multi-a',
      'p-multi-b',
    ]);
    assert.deepEqual(
      (await t.iot.send(new ListThingPrincipalsCommand({ thingName: 'p-multi-a' }))).principals,
      [c1, c2].sort(),
    );
  });

  test('EXCLUSIVE_THING keeps the certificate on that one thing', async () => {
    await thing('p-ex-1');
    await thing('p-ex-2');
    const cert = insertCertificate(t);
    await attach('p-ex-1', cert, 'EXCLUSIVE_THING');
    await attach('p-ex-1', cert, 'EXCLUSIVE_THING'); // again: fine
    const err = await expectAwsError(() => attach('p-ex-2', cert), 'InvalidRequestException', 400);
    assert.match(err.message, /exclusively to thing p-ex-1/);

    const shared = insertCertificate(t);
    await attach('p-ex-1', shared);
    await expectAwsError(() => attach('p-ex-2', shared, 'EXCLUSIVE_THING'), 'InvalidRequestException', 400);

    const v2 = await t.iot.send(new ListThingPrincipalsV2Command({ thingName: 'p-ex-1' }));
    assert.deepEqual(
      v2.thingPrincipalObjects?.map((o) => [o.principal, o.thingPrincipalType]),
      [
        [cert, 'EXCLUSIVE_THING'],
        [shared, 'NON_EXCLUSIVE_THING'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    const onlyExclusive = await t.iot.send(
      new ListThingPrincipalsV2Command({ thingName: 'p-ex-1', thingPrincipalType: 'EXCLUSIVE_THING' }),
    );
    assert.deepEqual(
      onlyExclusive.thingPrincipalObjects?.map((o) => o.principal),
      [cert],
    );
    const byCert = await t.iot.send(new ListPrincipalThingsV2Command({ principal: cert }));
    assert.deepEqual(byCert.principalThingObjects, [{ thingName: 'p-ex-1', thingPrincipalType: 'EXCLUSIVE_THING' }]);

    // Once detached, the certificate is free again.
    await t.iot.send(new DetachThingPrincipalCommand({ thingName: 'p-ex-1', principal: cert }));
    await attach('p-ex-2', cert);
  });

  test('ListThingPrincipals and ListPrincipalThings page with maxResults and nextToken', async () => {
    await thing('p-page');
    const certs = Array.from({ length: 7 }, () => insertCertificate(t));
    for (const c of certs) await attach('p-page', c);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await t.iot.send(new ListThingPrincipalsCommand({ thingName: 'p-page', maxResults: 3, nextToken }));
      assert.ok((out.principals?.length ?? 0) <= 3);
      seen.push(...(out.principals ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    assert.deepEqual(seen, [...certs].sort());

    const cert = certs[0]!;
    for (let i = 0; i < 4; i++) {
      await thing(`p-page-${i}`);
      await attach(`p-page-${i}`, cert);
    }
    const first = await t.iot.send(new ListPrincipalThingsCommand({ principal: cert, maxResults: 3 }));
    assert.deepEqual(first.things, ['p-page', 'p-page-0', 'p-page-1']);
    const second = await t.iot.send(
      new ListPrincipalThingsCommand({ principal: cert, maxResults: 3, nextToken: first.nextToken }),
    );
    assert.deepEqual(second.things, ['p-page-2', 'p-page-3']);
    assert.equal(second.nextToken, undefined);
    await expectAwsError(
      () => t.iot.send(new ListThingPrincipalsCommand({ thingName: 'p-page', maxResults: 0 })),
      'InvalidRequestException',
      400,
    );
  });

  test('a thing with principals attached cannot be deleted until they are detached', async () => {
    await thing('p-del');
    const cert = insertCertificate(t);
    await attach('p-del', cert);
    await expectAwsError(
      () => t.iot.send(new DeleteThingCommand({ thingName: 'p-del' })),
      'InvalidRequestException',
      400,
    );
    await t.iot.send(new DetachThingPrincipalCommand({ thingName: 'p-del', principal: cert }));
    await t.iot.send(new DeleteThingCommand({ thingName: 'p-del' }));
  });
});
