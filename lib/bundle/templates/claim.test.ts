import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { claimBundleFiles, type ClaimBundleInput, readClaimBundle } from '../claim-bundle';
import { readZip, zipBundle } from '../zip';
import { CLAIM_EXTRA_PATHS, claimBundleExtras, freertosDemoConfig, pythonSampleScript } from './claim';
import { pemFooter, pemHeader } from '../../pki/pem';

const CERT = '-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n';
const KEY = `${pemHeader('PRIVATE KEY')}\nS0VZ\n${pemFooter('PRIVATE KEY')}\n`;
const input: ClaimBundleInput = {
  mode: 'local',
  region: 'us-east-1',
  endpoint: 'localhost',
  port: 18883,
  rootCa: { fileName: 'root-ca.pem', pem: CERT, description: 'The local root.' },
  templateName: 'widgets',
  claimCertificatePem: CERT,
  claimPrivateKeyPem: KEY,
  parameters: ['SerialNumber'],
};

/** The string a C compiler makes of the adjacent literals of one #define. */
function cMacroValue(header: string, name: string): string {
  const start = header.indexOf(`#define ${name} `);
  assert.ok(start >= 0, `${name} is defined`);
  const lines: string[] = [];
  for (const line of header.slice(start).split('\n')) {
    lines.push(line);
    if (!line.endsWith('\\')) break;
  }
  const literals = [...lines.join('\n').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  return literals.join('').replace(/\\n/g, '\n').replace(/\\\?/g, '?').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
}

describe('claim bundle sample configurations', () => {
  test('FreeRTOS demo_config.h defines the template, endpoint, port, demo id and the three PEMs byte for byte', () => {
    const header = freertosDemoConfig(input);
    assert.equal(cMacroValue(header, 'democonfigPROVISIONING_TEMPLATE_NAME'), 'widgets');
    assert.equal(cMacroValue(header, 'democonfigMQTT_BROKER_ENDPOINT'), 'localhost');
    assert.match(header, /#define democonfigMQTT_BROKER_PORT\s+\( 18883 \)/);
    assert.match(header, /#define democonfigFP_DEMO_ID\s+"SN-0001"/);
    assert.equal(cMacroValue(header, 'democonfigROOT_CA_PEM'), CERT);
    assert.equal(cMacroValue(header, 'democonfigCLAIM_CERT_PEM'), CERT);
    assert.equal(cMacroValue(header, 'democonfigCLAIM_PRIV_KEY_PEM'), KEY);
  });

  test('a template name that is not a C-safe word still compiles to itself', () => {
    const header = freertosDemoConfig({ ...input, templateName: 'a"b?c' });
    assert.equal(cMacroValue(header, 'democonfigPROVISIONING_TEMPLATE_NAME'), 'a"b?c');
  });

  test('the SDK sample command lines name the template, its parameters, the port and the bundle files', () => {
    const sh = pythonSampleScript(input);
    assert.match(sh, /fleetprovisioning\.py/);
    assert.match(sh, /--template_name widgets/);
    assert.match(sh, /--template_parameters '\{"SerialNumber":"SN-0001"\}'/);
    assert.match(sh, /--port 18883/);
    assert.match(sh, /--cert "\$BUNDLE"\/claim\/claim\.pem\.crt/);
    assert.match(sh, /--key "\$BUNDLE"\/claim\/claim\.private\.pem\.key/);
    assert.match(sh, /--ca_file "\$BUNDLE"\/root-ca\.pem/);
    assert.doesNotMatch(pythonSampleScript({ ...input, port: 8883 }), /--port/);
  });

  test('a trusted-user claim’s README says when it stops working', () => {
    const readme = claimBundleExtras({ ...input, expiresAt: new Date('2030-01-01T00:05:00Z') })[0]!.content;
    assert.match(String(readme), /stops working at 2030-01-01T00:05:00.000Z/);
  });

  test('the zip holds the extras beside the credentials, and still reads back as a claim bundle', () => {
    const files = claimBundleFiles(input, claimBundleExtras(input));
    const zip = readZip(zipBundle(files));
    const text = (p: string) =>
      zip[`widgets-claim/${p}`] ? new TextDecoder().decode(zip[`widgets-claim/${p}`]) : undefined;
    for (const p of Object.values(CLAIM_EXTRA_PATHS)) assert.ok(text(p), `${p} is in the zip`);
    const bundle = readClaimBundle('test', text);
    assert.equal(bundle.config.templateName, 'widgets');
    assert.deepEqual(bundle.config.parameters, ['SerialNumber']);
    assert.equal(bundle.claimPrivateKeyPem, KEY);
  });
});
