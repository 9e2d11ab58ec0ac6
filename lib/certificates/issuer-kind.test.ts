import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateKeysAndCertificateCommand,
  RegisterCACertificateCommand,
  RegisterCertificateCommand,
  RegisterCertificateWithoutCACommand,
} from '@aws-sdk/client-iot';

import { makeCa, makeCertificate } from '../../emulator/pki/fixtures';
import { pointDashboardAt, startTestEmulator, type TestEmulator } from '../../emulator/test/harness';
import { describeCertificate, issuerKind } from '../aws/certificates';

/**
 * The issuer label (lib/aws/certificates.ts) follows what DescribeCertificate answers for each kind of certificate,
 * as AWS answers it (the certificates are made with the raw SDK here, outside lib/aws, because no dashboard
 * function registers an SNI_ONLY certificate this way):
 * AWS-issued (DEFAULT, no caCertificateId), signed by a registered CA (its id), registered without a CA
 * (SNI_ONLY, no caCertificateId).
 */
describe('issuerKind from DescribeCertificate', () => {
  let t: TestEmulator;
  before(async () => {
    t = await startTestEmulator();
    pointDashboardAt(t);
  });
  after(() => t.close());

  test('pure: a CA id means a registered CA; without one, SNI_ONLY means none and DEFAULT means AWS', () => {
    assert.equal(issuerKind({ caCertificateId: 'a'.repeat(64), mode: 'DEFAULT' }), 'registered-ca');
    assert.equal(issuerKind({ caCertificateId: 'a'.repeat(64), mode: 'SNI_ONLY' }), 'registered-ca');
    assert.equal(issuerKind({ caCertificateId: undefined, mode: 'SNI_ONLY' }), 'none');
    assert.equal(issuerKind({ caCertificateId: undefined, mode: 'DEFAULT' }), 'aws');
    assert.equal(issuerKind({ caCertificateId: undefined, mode: 'unknown' }), 'aws');
  });

  test('each kind of certificate gets its label through the real SDK', async () => {
    const issued = await t.iot.send(new CreateKeysAndCertificateCommand({}));
    assert.equal(issuerKind(await describeCertificate(issued.certificateId!)), 'aws');

    const ca = await makeCa('CN=Label CA');
    await t.iot.send(
      new RegisterCACertificateCommand({ caCertificate: ca.pem, certificateMode: 'SNI_ONLY', setAsActive: true }),
    );
    const signed = await makeCertificate(ca, { name: 'CN=signed-device' });
    const registered = await t.iot.send(new RegisterCertificateCommand({ certificatePem: signed.pem }));
    const details = await describeCertificate(registered.certificateId!);
    assert.ok(details.caCertificateId);
    assert.equal(issuerKind(details), 'registered-ca');

    const selfSigned = await makeCertificate(undefined, { name: 'CN=self' });
    const noCa = await t.iot.send(new RegisterCertificateWithoutCACommand({ certificatePem: selfSigned.pem }));
    const noCaDetails = await describeCertificate(noCa.certificateId!);
    assert.equal(noCaDetails.mode, 'SNI_ONLY');
    assert.equal(issuerKind(noCaDetails), 'none');
  });
});
