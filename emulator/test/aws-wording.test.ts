import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  DeleteThingCommand,
  DescribeCertificateCommand,
  GetPolicyCommand,
  ListTargetsForPolicyCommand,
  ListThingPrincipalsCommand,
} from '@aws-sdk/client-iot';
import { GetThingShadowCommand, IoTDataPlaneClient, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { expectAwsError, startTestEmulator, TEST_CREDENTIALS, type TestEmulator } from './harness';

/**
 * Where AWS's observed answers differ from what a reasonable emulator would invent: each expectation here is
 * AWS's own wording or shape, as reported against the real service (see the comments).
 */
describe("AWS's wording and shapes", () => {
  let t: TestEmulator;
  let data: IoTDataPlaneClient;
  before(async () => {
    t = await startTestEmulator();
    data = new IoTDataPlaneClient({
      endpoint: t.url,
      region: t.emulator.config.region,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
  });
  after(async () => {
    data.destroy();
    await t.close();
  });

  test('listing the principals of a missing thing', async () => {
    // boto3 against AWS (getmoto/moto#2910).
    const err = await expectAwsError(
      () => t.iot.send(new ListThingPrincipalsCommand({ thingName: 'non_exists_thing' })),
      'ResourceNotFoundException',
      404,
    );
    assert.equal(
      err.message,
      'Failed to list principals for thing non_exists_thing because the thing does not exist in your account',
    );
  });

  test('a missing policy', async () => {
    // `aws iot list-targets-for-policy` against AWS (getmoto/moto#5309); AttachPolicy answers the same.
    for (const call of [
      () => t.iot.send(new ListTargetsForPolicyCommand({ policyName: 'I_DO_NOT_EXIST' })),
      () => t.iot.send(new GetPolicyCommand({ policyName: 'I_DO_NOT_EXIST' })),
      () =>
        t.iot.send(
          new AttachPolicyCommand({
            policyName: 'I_DO_NOT_EXIST',
            target: 'arn:aws:iot:us-east-1:123456789012:cert/' + 'a'.repeat(64),
          }),
        ),
    ]) {
      const err = await expectAwsError(call, 'ResourceNotFoundException', 404);
      assert.equal(err.message, 'Policy not found');
    }
  });

  test('deleting a thing that still has principals', async () => {
    // The .NET SDK against AWS (CGI-FR/IoT-Hub-Portal#2147).
    await t.iot.send(new CreateThingCommand({ thingName: 'test-iro-2' }));
    const cert = await t.iot.send(new CreateKeysAndCertificateCommand({ setAsActive: true }));
    await t.iot.send(new AttachThingPrincipalCommand({ thingName: 'test-iro-2', principal: cert.certificateArn }));
    const err = await expectAwsError(
      () => t.iot.send(new DeleteThingCommand({ thingName: 'test-iro-2' })),
      'InvalidRequestException',
      400,
    );
    assert.equal(err.message, 'Cannot delete. Thing test-iro-2 is still attached to one or more principals');
  });

  test('a certificate AWS issued: DEFAULT mode and no caCertificateId', async () => {
    // DescribeCertificate of a CreateKeysAndCertificate certificate, as AWS answers it (issuer Amazon Web Services,
    // not after 2049-12-31): "certificateMode": "DEFAULT" and no caCertificateId member at all.
    const cert = await t.iot.send(new CreateKeysAndCertificateCommand({}));
    const res = await fetch(`${t.url}/certificates/${cert.certificateId}`);
    const body = (await res.json()) as { certificateDescription: Record<string, unknown> };
    assert.equal(body.certificateDescription.certificateMode, 'DEFAULT');
    assert.ok(!('caCertificateId' in body.certificateDescription));
    const d = await t.iot.send(new DescribeCertificateCommand({ certificateId: cert.certificateId }));
    assert.equal(d.certificateDescription?.caCertificateId, undefined);
  });

  test('an update of {"state": null} answers with "state": null', async () => {
    await t.iot.send(new CreateThingCommand({ thingName: 'null-state' }));
    const send = async (doc: unknown) =>
      JSON.parse(
        new TextDecoder().decode(
          (await data.send(new UpdateThingShadowCommand({ thingName: 'null-state', payload: JSON.stringify(doc) })))
            .payload,
        ),
      );
    await send({ state: { desired: { a: 1 }, reported: { b: 2 } } });
    const answer = await send({ state: null });
    assert.equal(answer.state, null);
    assert.equal(answer.version, 2);
    const doc = JSON.parse(
      new TextDecoder().decode((await data.send(new GetThingShadowCommand({ thingName: 'null-state' }))).payload),
    );
    assert.deepEqual(doc.state, {});
  });

  test('an empty object in desired is kept, in desired and in delta', async () => {
    await t.iot.send(new CreateThingCommand({ thingName: 'empty-desired' }));
    await data.send(
      new UpdateThingShadowCommand({
        thingName: 'empty-desired',
        payload: JSON.stringify({ state: { desired: { config: {}, on: true }, reported: { on: true } } }),
      }),
    );
    const doc = JSON.parse(
      new TextDecoder().decode((await data.send(new GetThingShadowCommand({ thingName: 'empty-desired' }))).payload),
    );
    assert.deepEqual(doc.state.desired, { config: {}, on: true });
    assert.deepEqual(doc.state.delta, { config: {} });
  });
});
