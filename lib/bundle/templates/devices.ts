import { commentText, envQuote, mdCode, mdFence, shQuote } from '../escape';
import { isLocal, PATHS, targetName, type BundleContext } from './context';
import { credentialsUrl } from './credentials-provider';

/** config/device.json: everything a program needs to connect, with file names relative to the bundle folder. */
export function deviceJson(ctx: BundleContext): string {
  const doc = {
    thingName: ctx.thingName,
    clientId: ctx.clientId,
    endpoint: ctx.endpoint,
    port: ctx.port,
    protocol: 'mqtts',
    tlsVersion: 'TLSv1.2',
    ...(ctx.port === 443 ? { alpnProtocols: ['x-amzn-mqtt-ca'] } : {}),
    mode: ctx.mode,
    region: ctx.region,
    certificateId: ctx.certificateId,
    policyName: ctx.policyName ?? null,
    topics: ctx.topics,
    files: {
      baseDirectory: '..',
      certificate: ctx.files.certificate,
      privateKey: ctx.files.privateKey,
      privateKeyIncluded: Boolean(ctx.privateKeyPem),
      publicKey: ctx.publicKeyPem ? ctx.files.publicKey : null,
      rootCa: ctx.files.rootCa,
    },
    createdAt: ctx.createdAt ? ctx.createdAt.toISOString() : null,
    ...(ctx.credentialsProvider
      ? {
          credentialsProvider: {
            endpoint: ctx.credentialsProvider.endpoint,
            roleAlias: ctx.credentialsProvider.roleAlias,
            url: credentialsUrl({ ...ctx, credentialsProvider: ctx.credentialsProvider }),
          },
        }
      : {}),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** config/device.env: the same settings as KEY='value' lines for shells, docker compose and dotenv loaders. */
export function deviceEnv(ctx: BundleContext): string {
  const lines: [string, string][] = [
    ['IOT_MODE', ctx.mode],
    ['IOT_THING_NAME', ctx.thingName],
    ['IOT_CLIENT_ID', ctx.clientId],
    ['IOT_ENDPOINT', ctx.endpoint],
    ['IOT_PORT', String(ctx.port)],
    ['IOT_REGION', ctx.region],
    ['IOT_CERTIFICATE_ID', ctx.certificateId],
    ['IOT_POLICY_NAME', ctx.policyName ?? ''],
    ['IOT_TELEMETRY_TOPIC', ctx.topics.telemetry],
    ['IOT_SHADOW_UPDATE_TOPIC', ctx.topics.shadowUpdate],
    ['IOT_CERT_FILE', ctx.files.certificate],
    ['IOT_KEY_FILE', ctx.files.privateKey],
    ['IOT_ROOT_CA_FILE', ctx.files.rootCa],
    ...(ctx.credentialsProvider
      ? ([
          ['IOT_CREDENTIALS_ENDPOINT', ctx.credentialsProvider.endpoint],
          ['IOT_ROLE_ALIAS', ctx.credentialsProvider.roleAlias],
        ] as [string, string][])
      : []),
  ];
  return [
    `# Connection settings for thing ${commentText(ctx.thingName)} on ${commentText(targetName(ctx))}.`,
    '# File names are relative to the bundle folder (the parent of this config folder).',
    `# Load in a shell with:  set -a; . ./config/device.env; set +a`,
    ...(ctx.privateKeyPem ? [] : ['# The private key file is not part of this download: see README.md.']),
    ...lines.map(([k, v]) => `${k}=${envQuote(v)}`),
    '',
  ].join('\n');
}

/**
 * config/sparkfun-datalogger-iot.json: the "AWS IoT" block of the DataLogger IoT settings file, key for key as
 * SparkFun documents it. The three files named in it are copied to the microSD card.
 */
export function sparkfunSettings(ctx: BundleContext): string {
  const block = {
    'AWS IoT': {
      Enabled: true,
      Port: ctx.port,
      Server: ctx.endpoint,
      'MQTT Topic': ctx.topics.shadowUpdate,
      'Client Name': ctx.thingName,
      'Buffer Size': 0,
      Username: '',
      Password: '',
      'CA Certificate': '',
      'Client Certificate': '',
      'Client Key': '',
      'CA Cert Filename': ctx.files.rootCa,
      'Client Cert Filename': ctx.files.certificate,
      'Client Key Filename': ctx.files.privateKey,
    },
  };
  return JSON.stringify(block, null, 2) + '\n';
}

/** Where config/thin-edge.sh installs the files on the device. */
export const TEDGE_DIR = '/etc/tedge/device-certs';

/**
 * config/thin-edge.sh: install the certificate, key and root CA where thin-edge.io keeps them, point tedge at
 * them and at the endpoint, and run `tedge connect aws`. Uses the dotted keys of the thin-edge guide
 * (aws.root.cert.path, device.cert.path, device.key.path), which newer releases still accept as aliases of
 * aws.root_cert_path, device.cert_path and device.key_path.
 */
export function thinEdgeScript(ctx: BundleContext): string {
  const certPath = `${TEDGE_DIR}/tedge-certificate.pem`;
  const keyPath = `${TEDGE_DIR}/tedge-private-key.pem`;
  const caPath = shQuote(`${TEDGE_DIR}/${ctx.files.rootCa}`);
  const keyMissing = ctx.privateKeyPem
    ? 'private.pem.key is missing from this folder: put back the key that came with this certificate.'
    : `The private key is not part of this download: copy private.pem.key from the first bundle downloaded for this certificate into this folder (or install it as ${keyPath}).`;
  return `#!/bin/sh
# Connect this device to ${commentText(targetName(ctx))} with thin-edge.io, as thing ${commentText(ctx.thingName)}.
# Run it on the device, from any directory:  sudo sh config/thin-edge.sh
#
# What it does, step by step (each line can also be typed by hand):
#   1. copies certificate, private key and root CA into ${TEDGE_DIR}
#   2. tedge config set device.cert.path / device.key.path / aws.url / aws.root.cert.path
#      (the key names of the thin-edge.io AWS guide; newer releases call them device.cert_path,
#      device.key_path and aws.root_cert_path and still accept these)
#   3. tedge connect aws
# thin-edge.io uses the Common Name (CN) of the device certificate as its device id and MQTT client id
# (tedge config get device.id); the device policy must allow iot:Connect for that client id.
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "Run as root: sudo sh $0" >&2
  exit 1
fi
if [ ! -f ${shQuote(ctx.files.privateKey)} ] && [ ! -f ${keyPath} ]; then
  echo ${shQuote(keyMissing)} >&2
  exit 1
fi

mkdir -p ${TEDGE_DIR}
install -m 0644 ${shQuote(ctx.files.certificate)} ${certPath}
if [ -f ${shQuote(ctx.files.privateKey)} ]; then
  install -m 0600 ${shQuote(ctx.files.privateKey)} ${keyPath}
else
  echo "Keeping the private key already installed at ${keyPath}"
fi
install -m 0644 ${shQuote(ctx.files.rootCa)} ${caPath}
# mosquitto runs the bridge to the cloud and must be able to read the key.
if id mosquitto >/dev/null 2>&1; then
  chown mosquitto:mosquitto ${certPath} ${keyPath}
fi

tedge config set device.cert.path ${certPath}
tedge config set device.key.path ${keyPath}
tedge config set aws.url ${shQuote(ctx.endpoint)}
tedge config set aws.root.cert.path ${caPath}
${ctx.port === 8883 ? '' : `# Note: thin-edge.io's AWS bridge connects on port 8883; this endpoint listens on ${ctx.port}.\n`}
echo "thin-edge.io device id (MQTT client id): $(tedge config get device.id 2>/dev/null || echo unknown)"
tedge connect aws

echo
echo "Connected. Send a test message to AWS IoT with:"
echo "  tedge mqtt pub aws/td '{\\"text\\": \\"Hello from thin-edge.io\\"}'"
echo "(older thin-edge.io releases forward the topic aws/messages/ instead of aws/td)"
`;
}

/** config/microchip-avr-pic-iot.md: what the Microchip guide expects of thing names and topics. */
export function microchipNote(ctx: BundleContext): string {
  const lower = ctx.thingName.toLowerCase();
  const hasUpper = lower !== ctx.thingName;
  return `# Microchip AVR-IoT and PIC-IoT boards (WA / WG)

These boards are normally provisioned with Microchip's IoT Provisioning Tool (\`iotprovision-bin -c aws\`):
their private key is generated inside the on-board ATECC608 secure element and never leaves it, and the tool
registers the board's certificate with AWS IoT through Just-In-Time Registration. Their standard firmware does
not use the certificate and key of this bundle; this note gives the settings that do carry over.

- Thing name: ${mdCode(ctx.thingName)}. Microchip firmware uses **lowercase** thing names, and the thing name
  must be lowercase when subscribing to its sensor topic.${
    hasUpper
      ? `\n  This thing's name contains capital letters: the board's topic uses ${mdCode(lower)}, and AWS IoT topic names and policy resources are case-sensitive, so allow and subscribe to the lowercase form.`
      : ''
  }
- Sensor topic: the firmware publishes on ${mdCode(ctx.topics.microchipSensors)} (\`<thingName>/sensors\`).
- Endpoint: ${mdCode(ctx.endpoint)}, port ${ctx.port}.

## Watch the board's data

${
  isLocal(ctx)
    ? `Open this dashboard's live MQTT page and subscribe to ${mdCode(ctx.topics.microchipSensors)}.`
    : `In the AWS IoT console (region ${mdCode(ctx.region)}) open **Test → MQTT test client**, enter
${mdCode(ctx.topics.microchipSensors)} as the subscription topic and choose **Subscribe**.`
}
Do not watch it with this bundle's mosquitto commands while the board is connected: they use the same client
id, and a second connection with one client id disconnects the first.

A policy for the board must allow publishing to its topic, for example:

${mdFence(
  JSON.stringify(
    {
      Effect: 'Allow',
      Action: 'iot:Publish',
      Resource: `arn:aws:iot:${ctx.region || '<region>'}:<account-id>:topic/${ctx.topics.microchipSensors}`,
    },
    null,
    2,
  ),
  'json',
)}
`;
}

/** For the README's file table. */
export const DEVICE_FILE_DESCRIPTIONS: Record<string, string> = {
  [PATHS.deviceJson]:
    'Connection settings as JSON (endpoint, port, client ID, topics, file names) for your own programs.',
  [PATHS.deviceEnv]:
    'The same settings as a .env file (`set -a; . ./config/device.env; set +a`, docker compose, dotenv).',
  [PATHS.mosquitto]:
    'Test script: `./config/mosquitto.sh pub` publishes a message, `./config/mosquitto.sh sub` prints incoming ones.',
  [PATHS.python]: 'AWS IoT Device SDK v2 for Python: connect and publish one message.',
  [PATHS.javascript]: 'AWS IoT Device SDK v2 for JavaScript (Node.js): connect and publish one message.',
  [PATHS.freertosCredential]: 'FreeRTOS: broker endpoint, thing name and port (`clientcredential...` defines).',
  [PATHS.freertosKeys]:
    'FreeRTOS: certificate and private key as C strings (`keyCLIENT_CERTIFICATE_PEM`, `keyCLIENT_PRIVATE_KEY_PEM`).',
  [PATHS.sparkfun]: 'SparkFun DataLogger IoT: the "AWS IoT" block of its settings file.',
  [PATHS.thinEdge]:
    'thin-edge.io: installs the files and runs `tedge config set ...` and `tedge connect aws` (run with sudo).',
  [PATHS.microchip]: 'Microchip AVR-IoT / PIC-IoT boards: lowercase thing names and the `<thing>/sensors` topic.',
};
