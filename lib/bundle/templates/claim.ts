import type { BundleFile } from '../bundle';
import { type ClaimBundleInput, CLAIM_BUNDLE_PATHS } from '../claim-bundle';
import { commentText, cPemMacro, cString, mdCode, mdFence, shQuote } from '../escape';

/**
 * What sits beside a claim bundle's credentials (lib/bundle/claim-bundle.ts) so a device developer can start at
 * once: command lines for the AWS IoT Device SDK v2 fleet provisioning samples (Python `fleetprovisioning.py`,
 * JavaScript `samples/node/fleet_provisioning`), FreeRTOS's fleet provisioning demo configuration
 * (`demo_config.h`), and a README saying what the device will do. Pure: the browser writes them into the zip
 * next to a key it made itself.
 */

export const CLAIM_EXTRA_PATHS = {
  readme: 'README.md',
  python: 'sdk/python-fleetprovisioning.sh',
  javascript: 'sdk/javascript-fleet-provisioning.sh',
  freertos: 'freertos/demo_config.h',
} as const;

/** An example value per parameter the template wants (a serial number for SerialNumber). */
export function exampleParameters(parameters: readonly string[]): Record<string, string> {
  return Object.fromEntries(parameters.map((p) => [p, /serial/i.test(p) ? 'SN-0001' : `example-${p}`]));
}

function sampleArgs(input: ClaimBundleInput): string[] {
  const params = JSON.stringify(exampleParameters(input.parameters ?? []));
  return [
    `--endpoint ${shQuote(input.endpoint)}`,
    ...(input.port !== 8883 ? [`--port ${input.port}`] : []),
    `--ca_file "$BUNDLE"/${shQuote(input.rootCa.fileName)}`,
    `--cert "$BUNDLE"/${CLAIM_BUNDLE_PATHS.claimCertificate}`,
    `--key "$BUNDLE"/${CLAIM_BUNDLE_PATHS.claimPrivateKey}`,
    `--template_name ${shQuote(input.templateName)}`,
    `--template_parameters ${shQuote(params)}`,
  ];
}

function script(title: string, setup: string[], command: string, input: ClaimBundleInput): string {
  return `#!/bin/sh
# ${commentText(title)} for provisioning template ${commentText(input.templateName)}.
# The device connects with the claim certificate, asks AWS IoT for its own certificate and key
# (CreateKeysAndCertificate; add --csr <file> to keep a key made on the device), then RegisterThing with the
# template parameters below (change SerialNumber per device). Port ${input.port}${input.port === 8883 ? '' : ' is the local IoT Core’s'}.
set -eu
BUNDLE="$(cd "$(dirname "$0")/.." && pwd)"
${setup.join('\n')}
${command} \\
  ${sampleArgs(input).join(' \\\n  ')}
`;
}

/** The Python sample (aws-iot-device-sdk-python-v2, samples/fleetprovisioning.py). */
export function pythonSampleScript(input: ClaimBundleInput): string {
  return script(
    'AWS IoT Device SDK v2 for Python: samples/fleetprovisioning.py',
    [
      '# pip install awsiotsdk; git clone https://github.com/aws/aws-iot-device-sdk-python-v2',
      'SAMPLES="${SAMPLES:-./aws-iot-device-sdk-python-v2/samples}"',
    ],
    'python3 "$SAMPLES"/fleetprovisioning.py',
    input,
  );
}

/** The JavaScript sample (aws-iot-device-sdk-js-v2, samples/node/fleet_provisioning). */
export function javascriptSampleScript(input: ClaimBundleInput): string {
  return script(
    'AWS IoT Device SDK v2 for JavaScript: samples/node/fleet_provisioning',
    [
      '# git clone https://github.com/aws/aws-iot-device-sdk-js-v2; cd samples/node/fleet_provisioning; npm install',
      'SAMPLE="${SAMPLE:-./aws-iot-device-sdk-js-v2/samples/node/fleet_provisioning}"',
    ],
    'node "$SAMPLE"/dist/index.js',
    input,
  );
}

/** FreeRTOS's fleet provisioning demo configuration (Fleet_Provisioning_With_CSR_Demo/demo_config.h defines). */
export function freertosDemoConfig(input: ClaimBundleInput): string {
  return `/*
 * Fleet provisioning demo configuration for template ${commentText(input.templateName)}.
 *
 * Copy these defines into the demo's demo_config.h (FreeRTOS-Plus/Demo/AWS/Fleet_Provisioning_*). The demo
 * connects with the claim certificate below, creates its own key and certificate from a CSR, registers itself
 * through the template with democonfigFP_DEMO_ID as its serial number, then reconnects as its new thing.
 * It holds the claim PRIVATE KEY: keep it out of source control.
 */
#ifndef DEMO_CONFIG_FLEET_PROVISIONING_H
#define DEMO_CONFIG_FLEET_PROVISIONING_H

#define democonfigMQTT_BROKER_ENDPOINT         ${cString(input.endpoint)}
#define democonfigMQTT_BROKER_PORT             ( ${input.port} )
#define democonfigPROVISIONING_TEMPLATE_NAME   ${cString(input.templateName)}

/* A unique id per device: the demo sends it as the template's SerialNumber parameter. */
#define democonfigFP_DEMO_ID                   "SN-0001"
#define democonfigDEVICE_SERIAL_NUMBER         democonfigFP_DEMO_ID

${cPemMacro('democonfigROOT_CA_PEM', input.rootCa.pem)}

${cPemMacro('democonfigCLAIM_CERT_PEM', input.claimCertificatePem)}

${cPemMacro('democonfigCLAIM_PRIV_KEY_PEM', input.claimPrivateKeyPem)}

#endif /* DEMO_CONFIG_FLEET_PROVISIONING_H */
`;
}

export function claimReadme(input: ClaimBundleInput): string {
  const params = input.parameters ?? [];
  const expiry = input.expiresAt
    ? `\n**This is a trusted-user claim: it stops working at ${input.expiresAt.toISOString()}** (five minutes after it was made). A device must provision itself before then; afterwards ask for a new one.\n`
    : '';
  return `# Claim bundle for provisioning template ${mdCode(input.templateName)}
${expiry}
A device holding this claim provisions itself by AWS IoT fleet provisioning:

1. It connects to ${mdCode(`${input.endpoint}:${input.port}`)} over MQTT with TLS, presenting the **claim certificate**
   (${mdCode(CLAIM_BUNDLE_PATHS.claimCertificate)}, key ${mdCode(CLAIM_BUNDLE_PATHS.claimPrivateKey)}) and trusting
   ${mdCode(input.rootCa.fileName)}. The claim's policy lets it use the fleet provisioning topics of this template
   and nothing else.
2. It asks for its own credentials: ${mdCode('$aws/certificates/create/json')} (AWS makes the key) or
   ${mdCode('$aws/certificates/create-from-csr/json')} (the device keeps a key it made), and gets a certificate
   and a single-use certificate ownership token.
3. It calls RegisterThing on ${mdCode(`$aws/provisioning-templates/${input.templateName}/provision/json`)} with the
   token and its parameters${params.length ? ` (${params.map(mdCode).join(', ')})` : ''}. The template creates its
   thing, activates the new certificate and attaches its policy.
4. It disconnects and reconnects with its **own** certificate: from then on it never uses the claim again.

## Files

| File | What it is |
| --- | --- |
| ${mdCode(CLAIM_BUNDLE_PATHS.claimCertificate)} | the claim certificate |
| ${mdCode(CLAIM_BUNDLE_PATHS.claimPrivateKey)} | its private key (keep it secret) |
| ${mdCode(input.rootCa.fileName)} | ${input.rootCa.description} |
| ${mdCode(CLAIM_BUNDLE_PATHS.config)} | endpoint, port, template, parameters (read by ${mdCode('npm run device -- --claim')}) |
| ${mdCode(CLAIM_EXTRA_PATHS.python)} | the AWS IoT Device SDK v2 Python sample's command line |
| ${mdCode(CLAIM_EXTRA_PATHS.javascript)} | the AWS IoT Device SDK v2 JavaScript sample's command line |
| ${mdCode(CLAIM_EXTRA_PATHS.freertos)} | FreeRTOS fleet provisioning demo defines |

## Try it with the device simulator

${mdFence(`npm run device -- --claim ${input.templateName}-claim.zip --param ${params[0] ?? 'SerialNumber'}=SN-{i} --count 10`, 'sh')}
`;
}

/** The README and sample configurations, paths relative to the bundle folder. */
export function claimBundleExtras(input: ClaimBundleInput): BundleFile[] {
  return [
    { path: CLAIM_EXTRA_PATHS.readme, content: claimReadme(input) },
    { path: CLAIM_EXTRA_PATHS.python, content: pythonSampleScript(input), executable: true },
    { path: CLAIM_EXTRA_PATHS.javascript, content: javascriptSampleScript(input), executable: true },
    { path: CLAIM_EXTRA_PATHS.freertos, content: freertosDemoConfig(input), mode: 0o600 },
  ];
}
