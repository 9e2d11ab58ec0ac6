import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { z } from 'zod';

import { generateDeviceKeys } from '../pki/browser-keys';
import { x509 } from '../pki/x509';
import { inspectCsr } from './pem';
import {
  certificateRequestSchema,
  parseOnboardingForm,
  readOnboardingForm,
  rollbackSchema,
  type OnboardingFormInput,
} from './schema';

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function form(overrides: Partial<OnboardingFormInput> = {}): OnboardingFormInput {
  return {
    thingName: 'sensor-1',
    thingTypeName: '',
    thingGroupName: '',
    attributes: [],
    credentialMode: 'browser-key',
    keyAlgorithm: 'EC',
    certificatePem: '',
    caCertificatePem: '',
    csrPem: '',
    policyMode: 'template',
    templateId: 'thing-scoped',
    policyName: '',
    existingPolicyName: '',
    ...overrides,
  };
}

async function errorsOf(input: OnboardingFormInput) {
  const out = await parseOnboardingForm(input);
  assert.ok(!out.ok, 'expected the form to be refused');
  return z.flattenError(out.error).fieldErrors as Record<string, string[] | undefined>;
}

async function selfSigned(days: { from: number; to: number }) {
  const keys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=sensor-1',
    notBefore: new Date(now + days.from * 86_400_000),
    notAfter: new Date(now + days.to * 86_400_000),
    keys,
    signingAlgorithm: EC,
  });
  return cert.toString('pem');
}

describe('onboarding form validation', () => {
  test('defaults: browser key (EC), thing-scoped template named <thing>-policy', async () => {
    const out = await parseOnboardingForm(form());
    assert.ok(out.ok);
    assert.deepEqual(out.plan, {
      thingName: 'sensor-1',
      attributes: {},
      credentials: { mode: 'browser-key', algorithm: 'EC' },
      policy: { mode: 'template', templateId: 'thing-scoped', policyName: 'sensor-1-policy' },
    });
  });

  test('reads attribute rows from repeated fields and skips empty rows', async () => {
    const fd = new FormData();
    fd.set('thingName', 'sensor-2');
    fd.append('attributes.0.name', 'site');
    fd.append('attributes.0.value', 'lab');
    fd.append('attributes.1.name', '');
    fd.append('attributes.1.value', '');
    const out = await parseOnboardingForm(readOnboardingForm(fd));
    assert.ok(out.ok);
    assert.deepEqual(out.plan.attributes, { site: 'lab' });
  });

  test('thing names follow AWS’s pattern, refused in plain words', async () => {
    assert.deepEqual((await errorsOf(form({ thingName: 'bad name!' }))).thingName, [
      'A thing name can use letters, digits, and : _ - only (not "!" or spaces).',
    ]);
    assert.deepEqual((await errorsOf(form({ thingName: '' }))).thingName, ['Enter a thing name.']);
    assert.deepEqual((await errorsOf(form({ thingName: 'x'.repeat(129) }))).thingName, [
      'A thing name is at most 128 characters (this one has 129).',
    ]);
  });

  test('the policy name derived from a bad thing name is not flagged as a second mistake', async () => {
    const errors = await errorsOf(form({ thingName: 'no spaces allowed' }));
    assert.deepEqual(Object.keys(errors), ['thingName']);
    // Only a problem of the derived name itself belongs beside the policy name: too long for AWS.
    const long = await errorsOf(form({ thingName: 'x'.repeat(125) }));
    assert.match(long.policyName?.[0] ?? '', /made from the thing name.*132 characters.*at most 128/);
    assert.equal(long.thingName, undefined);
  });

  test('more than 3 attributes need a thing type; duplicates and bad names are refused', async () => {
    const rows = (names: string[], values: string[]) => names.map((name, i) => ({ name, value: values[i]! }));
    const four = { attributes: rows(['a', 'b', 'c', 'd'], ['1', '2', '3', '4']) };
    assert.match((await errorsOf(form(four))).attributes?.[0] ?? '', /at most 3/);
    assert.ok((await parseOnboardingForm(form({ ...four, thingTypeName: 'sensor' }))).ok);
    assert.match((await errorsOf(form({ attributes: rows(['a', 'a'], ['1', '2']) }))).attributes?.[0] ?? '', /twice/);
    assert.ok((await errorsOf(form({ attributes: rows(['bad name'], ['1']) }))).attributes);
    assert.match((await errorsOf(form({ attributes: rows([''], ['1']) }))).attributes?.[0] ?? '', /name/);
  });

  test('an existing policy must be picked; a template policy name follows AWS’s pattern', async () => {
    assert.ok((await errorsOf(form({ policyMode: 'existing' }))).existingPolicyName);
    assert.ok((await errorsOf(form({ policyName: 'bad name' }))).policyName);
    const out = await parseOnboardingForm(form({ policyMode: 'existing', existingPolicyName: 'fleet' }));
    assert.ok(out.ok);
    assert.deepEqual(out.plan.policy, { mode: 'existing', policyName: 'fleet' });
  });

  test('own certificate: a valid one passes; garbage, a key, or an expired one is refused beside the field', async () => {
    const pem = await selfSigned({ from: -1, to: 30 });
    const ok = await parseOnboardingForm(form({ credentialMode: 'own-certificate', certificatePem: pem }));
    assert.ok(ok.ok);
    assert.equal(ok.plan.credentials.mode, 'own-certificate');

    assert.ok((await errorsOf(form({ credentialMode: 'own-certificate', certificatePem: '' }))).certificatePem);
    assert.ok((await errorsOf(form({ credentialMode: 'own-certificate', certificatePem: 'hello' }))).certificatePem);
    const key = (await generateDeviceKeys('x')).privateKeyPem;
    const keyErr =
      (await errorsOf(form({ credentialMode: 'own-certificate', certificatePem: key }))).certificatePem?.[0] ?? '';
    assert.match(keyErr, /private key/);
    assert.doesNotMatch(keyErr, /BEGIN/);
    const expired = await selfSigned({ from: -10, to: -1 });
    assert.match(
      (await errorsOf(form({ credentialMode: 'own-certificate', certificatePem: expired }))).certificatePem?.[0] ?? '',
      /expired/,
    );
  });

  test('own CSR: a browser-made CSR passes; a certificate instead of a CSR is refused with a hint', async () => {
    const { csrPem } = await generateDeviceKeys('sensor-1');
    const ok = await parseOnboardingForm(form({ credentialMode: 'own-csr', csrPem }));
    assert.ok(ok.ok);
    assert.equal((await inspectCsr(csrPem)).commonName, 'sensor-1');
    const cert = await selfSigned({ from: -1, to: 1 });
    assert.match(
      (await errorsOf(form({ credentialMode: 'own-csr', csrPem: cert }))).csrPem?.[0] ?? '',
      /certificate, not a CSR/,
    );
    const tampered = csrPem.replace(/\n(.{10})/, (_m, s: string) => `\n${s.split('').reverse().join('')}`);
    assert.ok((await errorsOf(form({ credentialMode: 'own-csr', csrPem: tampered }))).csrPem);
  });

  test('unknown modes and templates are refused', async () => {
    assert.ok((await errorsOf(form({ credentialMode: 'magic' }))).credentialMode);
    assert.ok((await errorsOf(form({ templateId: 'nope' }))).templateId);
  });

  test('a step called directly with a private key where a CSR or certificate belongs refuses it before AWS sees it', async () => {
    const { csrPem, privateKeyPem } = await generateDeviceKeys('step-key');
    const refused = (input: unknown) => {
      const parsed = certificateRequestSchema.safeParse(input);
      assert.equal(parsed.success, false, JSON.stringify(input).slice(0, 60));
      const message = parsed.error!.issues.map((i) => i.message).join(' ');
      assert.match(message, /private key/);
      assert.doesNotMatch(message, /BEGIN/);
    };
    assert.equal(certificateRequestSchema.safeParse({ kind: 'csr', csrPem }).success, true);
    refused({ kind: 'csr', csrPem: privateKeyPem });
    refused({ kind: 'csr', csrPem: `${csrPem}${privateKeyPem}` });
    refused({
      kind: 'register',
      certificatePem: `-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n${privateKeyPem}`,
    });
    refused({ kind: 'register', certificatePem: 'x', caCertificatePem: privateKeyPem });
  });

  test('the rollback ledger accepts only well-formed entries', () => {
    const arn = `arn:aws:iot:us-east-1:123456789012:cert/${'b'.repeat(64)}`;
    assert.ok(
      rollbackSchema.safeParse([{ kind: 'certificate', certificateId: 'b'.repeat(64), certificateArn: arn }]).success,
    );
    assert.ok(!rollbackSchema.safeParse([{ kind: 'certificate', certificateId: 'x', certificateArn: arn }]).success);
    assert.ok(!rollbackSchema.safeParse([{ kind: 'bucket', name: 'x' }]).success);
  });
});

describe('the role alias field', () => {
  test('empty means none; a valid name is planned; an invalid one is refused beside the field', async () => {
    const none = await parseOnboardingForm(form({ roleAlias: '' }));
    assert.ok(none.ok && none.plan.roleAlias === undefined);
    const chosen = await parseOnboardingForm(form({ roleAlias: ' cam-uploads ' }));
    assert.ok(chosen.ok && chosen.plan.roleAlias === 'cam-uploads');
    const errors = await errorsOf(form({ roleAlias: 'no spaces allowed' }));
    assert.match(errors.roleAlias?.[0] ?? '', /letters, digits and _ = , @ -/);
  });

  test('the form field is read from FormData', () => {
    const fd = new FormData();
    fd.set('thingName', 'a');
    fd.set('roleAlias', 'cam-uploads');
    assert.equal(readOnboardingForm(fd).roleAlias, 'cam-uploads');
  });
});
