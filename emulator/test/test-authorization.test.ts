import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AttachPolicyCommand, CreatePolicyCommand, TestAuthorizationCommand } from '@aws-sdk/client-iot';
import { onboardDevice, type DeviceCredentials } from './devices';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';

/** TestAuthorization through the real SDK: the broker's own policy evaluation, without a connection. */
describe('TestAuthorization', () => {
  let t: TestEmulator;
  let device: DeviceCredentials;
  let bare: DeviceCredentials;
  let arn: (suffix: string) => string;

  before(async () => {
    t = await startTestEmulator();
    const { region, accountId } = t.emulator.config;
    arn = (suffix) => `arn:aws:iot:${region}:${accountId}:${suffix}`;
    const thing = '${iot:Connection.Thing.ThingName}';
    device = await onboardDevice(t, 'ta-sensor', {
      name: 'ta-thing-scoped',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iot:Connect', Resource: `arn:aws:iot:*:*:client/${thing}` },
          { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: `arn:aws:iot:*:*:topic/${thing}/*` },
          { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `arn:aws:iot:*:*:topicfilter/${thing}/*` },
        ],
      },
    });
    bare = await onboardDevice(t, 'ta-bare');
  });
  after(() => t.close());

  const decide = async (
    creds: DeviceCredentials,
    clientId: string,
    actionType: 'CONNECT' | 'PUBLISH' | 'SUBSCRIBE' | 'RECEIVE',
    resource: string,
  ) => {
    const out = await t.iot.send(
      new TestAuthorizationCommand({
        principal: creds.certificateArn,
        clientId,
        authInfos: [{ actionType, resources: [resource] }],
      }),
    );
    assert.equal(out.authResults?.length, 1);
    return out.authResults![0]!;
  };

  test('a thing-scoped policy allows Connect as the thing and names the policy that allowed it', async () => {
    const r = await decide(device, 'ta-sensor', 'CONNECT', arn('client/ta-sensor'));
    assert.equal(r.authDecision, 'ALLOWED');
    assert.deepEqual(
      r.allowed?.policies?.map((p) => p.policyName),
      ['ta-thing-scoped'],
    );
    assert.match(r.allowed!.policies![0]!.policyArn!, /:policy\/ta-thing-scoped$/);
    assert.deepEqual(r.authInfo, { actionType: 'CONNECT', resources: [arn('client/ta-sensor')] });
  });

  test('the thing variable does not resolve for another client id: implicit deny', async () => {
    const r = await decide(device, 'someone-else', 'CONNECT', arn('client/someone-else'));
    assert.equal(r.authDecision, 'IMPLICIT_DENY');
    assert.deepEqual(
      r.denied?.implicitDeny?.policies?.map((p) => p.policyName),
      ['ta-thing-scoped'],
    );
  });

  test('publish, receive and subscribe follow the topic and topic-filter resources', async () => {
    assert.equal(
      (await decide(device, 'ta-sensor', 'PUBLISH', arn('topic/ta-sensor/telemetry'))).authDecision,
      'ALLOWED',
    );
    assert.equal(
      (await decide(device, 'ta-sensor', 'RECEIVE', arn('topic/ta-sensor/telemetry'))).authDecision,
      'ALLOWED',
    );
    assert.equal(
      (await decide(device, 'ta-sensor', 'SUBSCRIBE', arn('topicfilter/ta-sensor/#'))).authDecision,
      'ALLOWED',
    );
    assert.equal(
      (await decide(device, 'ta-sensor', 'PUBLISH', arn('topic/$aws/things/ta-sensor/shadow/update'))).authDecision,
      'IMPLICIT_DENY',
    );
  });

  test('a certificate with no policy is denied implicitly with no policies listed', async () => {
    const r = await decide(bare, 'ta-bare', 'CONNECT', arn('client/ta-bare'));
    assert.equal(r.authDecision, 'IMPLICIT_DENY');
    assert.deepEqual(r.allowed?.policies ?? [], []);
    assert.deepEqual(r.denied?.implicitDeny?.policies ?? [], []);
  });

  test('an explicit Deny wins and is named', async () => {
    await t.iot.send(
      new CreatePolicyCommand({
        policyName: 'ta-deny-publish',
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: 'iot:Publish', Resource: 'arn:aws:iot:*:*:topic/ta-sensor/secret' }],
        }),
      }),
    );
    await t.iot.send(new AttachPolicyCommand({ policyName: 'ta-deny-publish', target: device.certificateArn }));
    const r = await decide(device, 'ta-sensor', 'PUBLISH', arn('topic/ta-sensor/secret'));
    assert.equal(r.authDecision, 'EXPLICIT_DENY');
    assert.deepEqual(
      r.denied?.explicitDeny?.policies?.map((p) => p.policyName),
      ['ta-deny-publish'],
    );
    assert.equal(
      (await decide(device, 'ta-sensor', 'PUBLISH', arn('topic/ta-sensor/telemetry'))).authDecision,
      'ALLOWED',
    );
  });

  test('several authInfos answer one result each; policyNamesToSkip leaves a policy out', async () => {
    const out = await t.iot.send(
      new TestAuthorizationCommand({
        principal: device.certificateArn,
        clientId: 'ta-sensor',
        policyNamesToSkip: ['ta-thing-scoped'],
        authInfos: [
          { actionType: 'CONNECT', resources: [arn('client/ta-sensor')] },
          { actionType: 'SUBSCRIBE', resources: [arn('topicfilter/ta-sensor/#')] },
        ],
      }),
    );
    assert.deepEqual(
      out.authResults?.map((r) => r.authDecision),
      ['IMPLICIT_DENY', 'IMPLICIT_DENY'],
    );
  });

  test('an unknown certificate is ResourceNotFoundException; no authInfos is InvalidRequestException', async () => {
    await expectAwsError(
      () =>
        t.iot.send(
          new TestAuthorizationCommand({
            principal: arn(`cert/${'0'.repeat(64)}`),
            authInfos: [{ actionType: 'CONNECT', resources: ['x'] }],
          }),
        ),
      'ResourceNotFoundException',
      404,
    );
    await expectAwsError(
      () => t.iot.send(new TestAuthorizationCommand({ principal: device.certificateArn, authInfos: [] })),
      'InvalidRequestException',
      400,
    );
  });
});
