import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DescribeEndpointCommand } from '@aws-sdk/client-iot';
import { expectAwsError, startTestEmulator, type TestEmulator } from './harness';

describe('DescribeEndpoint', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator({ endpointHost: 'iot.emulator.test' });
  });
  after(() => t.close());

  test('every endpoint type answers with the configured host name, and the answer never changes', async () => {
    for (const endpointType of ['iot:Data-ATS', 'iot:Data', 'iot:Jobs']) {
      const out = await t.iot.send(new DescribeEndpointCommand({ endpointType }));
      assert.equal(out.endpointAddress, 'iot.emulator.test', endpointType);
    }
    const again = await t.iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
    assert.equal(again.endpointAddress, 'iot.emulator.test');
  });

  test('iot:CredentialProvider names the credentials provider with its own port (AWS serves it on 443)', async () => {
    const out = await t.iot.send(new DescribeEndpointCommand({ endpointType: 'iot:CredentialProvider' }));
    assert.equal(out.endpointAddress, `iot.emulator.test:${t.emulator.config.credentialsPort}`);
    assert.equal(t.emulator.urls.credentialsProvider, `https://127.0.0.1:${t.emulator.config.credentialsPort}`);
  });

  test('without an endpoint type it answers as for iot:Data', async () => {
    const out = await t.iot.send(new DescribeEndpointCommand({}));
    assert.equal(out.endpointAddress, 'iot.emulator.test');
  });

  test('the address is a host name only, without scheme or port', async () => {
    const out = await t.iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
    assert.doesNotMatch(out.endpointAddress ?? '', /[/:]/);
  });

  test('an unknown endpoint type is InvalidRequestException listing the valid ones', async () => {
    const err = await expectAwsError(
      () => t.iot.send(new DescribeEndpointCommand({ endpointType: 'iot:Data-Legacy' })),
      'InvalidRequestException',
      400,
    );
    assert.match(err.message, /iot:Data-ATS/);
  });
});
