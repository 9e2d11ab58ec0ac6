import { mdCell, mdCode, mdFence, shQuote } from '../escape';
import { isLocal, PATHS, sampleMessage, targetName, type BundleContext } from './context';
import { credentialsReadme } from './credentials-provider';
import { DEVICE_FILE_DESCRIPTIONS, TEDGE_DIR } from './devices';
import { mosquittoPubCommand, mosquittoSubCommand } from './mosquitto';

/** README.md: what each file is, the connection settings, how to connect and test, per-device notes. */
export function readme(ctx: BundleContext): string {
  const local = isLocal(ctx);
  const key = ctx.files.privateKey;
  const issuer = local ? 'The local IoT Core, like AWS IoT,' : 'AWS IoT';
  const viewer = local ? "the dashboard's MQTT page" : 'the MQTT test client';
  const parts: string[] = [];

  parts.push(`# Device credentials for ${mdCode(ctx.thingName)}`);
  parts.push(
    `Everything the device ${mdCode(ctx.thingName)} needs to connect to ${targetName(ctx)} over MQTT with mutual TLS.` +
      (ctx.createdAt
        ? `\nBundle created ${ctx.createdAt
            .toISOString()
            .replace('T', ' ')
            .replace(/\.\d+Z$/, ' UTC')}.`
        : ''),
  );

  if (ctx.privateKeyPem) {
    parts.push(
      [
        `> **Keep ${mdCode(key)} secret: it is the only copy of this device's private key.**`,
        `> ${local ? 'Neither AWS IoT nor the local IoT Core keeps' : 'AWS IoT does not keep'} private keys, and this console cannot show or download it again.`,
        `> Anyone who has this file can connect as ${mdCode(ctx.thingName)} and do whatever its policy allows.`,
        '> Copy it only onto the device, never into email, chat, tickets or source control; after setting up the',
        '> device, delete the downloaded copies or keep one in a password manager or secrets vault.',
        `> If it leaks, deactivate or revoke certificate ${mdCode(ctx.certificateId)} and create a new one.`,
      ].join('\n'),
    );
  } else {
    parts.push(
      [
        `> **The private key is not included in this download.** ${issuer} hands out a private key only once, when`,
        `> the certificate is created, and never keeps it. It is in the first bundle downloaded for certificate`,
        `> ${mdCode(ctx.certificateId)} (as ${mdCode(`${ctx.folder}/${key}`)}), and on the device it was installed on`,
        '> (a key generated on the device for a certificate signing request never left it). Copy that file into this',
        `> folder as ${mdCode(key)} before using the commands below.`,
        '> If the key is lost, this certificate can no longer be used: create a new certificate for the thing,',
        '> move the device to it, then deactivate this one.',
      ].join('\n'),
    );
  }

  if (local) {
    parts.push(
      [
        `> **Local IoT Core.** ${mdCode(ctx.files.rootCa)} is the root certificate of the local IoT Core (the sandbox that`,
        '> stands in for AWS IoT Core), not Amazon Root CA 1. A device set up with this bundle trusts only the local',
        '> IoT Core, and this certificate exists only there: to connect to AWS IoT Core, onboard the device again',
        '> from a console connected to AWS and use that bundle.',
        ...(/^(localhost|127\.0\.0\.1|::1|\[::1\])$/i.test(ctx.endpoint)
          ? [
              `> The endpoint ${mdCode(ctx.endpoint)} only reaches the local IoT Core from the machine it runs on; a device`,
              '> elsewhere needs the local IoT Core started with an endpoint host it can reach (its TLS certificate names',
              '> localhost, 127.0.0.1, ::1 and that host).',
            ]
          : []),
      ].join('\n'),
    );
  }

  // Connection settings
  const rows: [string, string][] = [
    ['Endpoint (host)', mdCell(ctx.endpoint)],
    [
      'Port',
      `${mdCell(String(ctx.port))}: MQTT over TLS 1.2 with the client certificate${ctx.port === 443 ? ' (ALPN `x-amzn-mqtt-ca`)' : ''}`,
    ],
    ['Client ID', `${mdCell(ctx.clientId)} (the thing name)`],
    ['Thing name', mdCell(ctx.thingName)],
    ...(local ? [] : ([['Region', mdCell(ctx.region)]] as [string, string][])),
    ['Certificate ID', mdCell(ctx.certificateId)],
    ['Policy', ctx.policyName ? mdCell(ctx.policyName) : 'none recorded'],
    [
      'Publish topic',
      `${mdCell(ctx.topics.telemetry)}${ctx.policyName ? ' (a topic the policy allows this device to publish to)' : ''}`,
    ],
    ['Device shadow update topic', mdCell(ctx.topics.shadowUpdate)],
    ['Root CA', mdCell(ctx.files.rootCa)],
  ];
  parts.push(
    [
      '## Connection settings',
      '',
      '| Setting | Value |',
      '| --- | --- |',
      ...rows.map(([k, v]) => `| ${k} | ${v} |`),
      '',
      'Connect with the thing name as the MQTT client ID: device policies commonly allow `iot:Connect` only for',
      '`client/${iot:Connection.Thing.ThingName}`, which matches when the client ID is the name of the thing this',
      'certificate is attached to. One client ID holds one connection: a second connection with the same client ID',
      'disconnects the first.',
    ].join('\n'),
  );

  // Files
  const files: [string, string][] = [
    [ctx.files.certificate, 'The device certificate (X.509, PEM). Identifies the device; not secret.'],
  ];
  if (ctx.privateKeyPem) files.push([key, "The device's private key (PEM). **Secret**, and the only copy: see above."]);
  if (ctx.publicKeyPem)
    files.push([ctx.files.publicKey, 'The public key of the certificate (PEM). Not needed to connect.']);
  files.push([ctx.files.rootCa, ctx.rootCa.description]);
  files.push([PATHS.readme, 'This file.']);
  for (const [path, what] of Object.entries(DEVICE_FILE_DESCRIPTIONS)) files.push([path, what]);
  parts.push(
    [
      '## Files',
      '',
      `All paths are relative to this folder, ${mdCode(ctx.folder)}.`,
      ...(ctx.privateKeyPem
        ? []
        : [`${mdCode(key)} is named in the scripts and settings below, but is not in this download.`]),
      '',
      '| File | What it is |',
      '| --- | --- |',
      ...files.map(([f, what]) => `| ${mdCell(f)} | ${what.replace(/\|/g, '\\|')} |`),
    ].join('\n'),
  );

  // Connect and test
  const watch = local
    ? `Open this dashboard's live MQTT page and subscribe to ${mdCode(ctx.topics.telemetry)}.`
    : `In the AWS IoT console (region ${mdCode(ctx.region)}) open **Test → MQTT test client** and subscribe to ${mdCode(ctx.topics.telemetry)} (this dashboard's live MQTT page works too).`;
  const pub = mosquittoPubCommand(ctx, shQuote(ctx.topics.telemetry), shQuote(sampleMessage(ctx)));
  const sub = mosquittoSubCommand(ctx, shQuote(ctx.topics.telemetry));
  parts.push(
    [
      '## Connect and test with mosquitto',
      '',
      'The commands are for a POSIX shell (Linux, macOS, Windows Subsystem for Linux, Raspberry Pi OS), run in this folder.',
      '',
      '1. Install the mosquitto clients (1.6 or later): `sudo apt install mosquitto-clients` on Debian, Ubuntu and',
      '   Raspberry Pi OS, `brew install mosquitto` on macOS.',
      `2. Open a terminal in this folder and make the key readable only by you: \`chmod 600 ${shQuote(key)}\`.`,
      `3. ${watch}`,
      '4. Publish a message as the device:',
      '',
      indent(mdFence(pub, 'sh'), 3),
      '',
      `   It appears in ${viewer} within a second. \`mosquitto_pub\` prints nothing when it succeeds.`,
      '5. Receive messages as the device: run',
      '',
      indent(mdFence(sub, 'sh'), 3),
      '',
      `   then publish to ${mdCode(ctx.topics.telemetry)} from ${viewer}: the message is printed here. Stop with Ctrl+C.`,
      '   While this runs, a `mosquitto_pub` with the same client ID disconnects it for a moment (it reconnects by itself).',
      '',
      `The same two commands, runnable from any directory: \`./${PATHS.mosquitto} pub\` and \`./${PATHS.mosquitto} sub\``,
      '(set `TOPIC=...` to use another topic).',
      '',
      '### If it does not connect',
      '',
      `- **TLS handshake fails / "certificate verify failed"**: check the endpoint and the root CA file${
        local ? ' (a bundle from the local IoT Core does not work against AWS, nor the other way round)' : ''
      }, and that the device's clock is right (certificates are checked against it).`,
      '- **Connection closed right after connecting**: the certificate is inactive or revoked, no attached policy',
      '  allows `iot:Connect` for this client ID, or the policy uses thing variables and the certificate is not',
      '  attached to the thing.',
      '- **Connected, but the connection drops when publishing or subscribing**: the policy does not allow',
      '  `iot:Publish` on the topic (or `iot:Subscribe` / `iot:Receive` for `mosquitto_sub`).',
      ...(local
        ? []
        : [
            '- **Region**: the endpoint, the thing, the certificate and the policy must all be in the same account and region.',
          ]),
    ].join('\n'),
  );

  // Per-device notes
  parts.push(
    [
      '## Use on a device',
      '',
      '### Raspberry Pi or any Linux device',
      '',
      `Copy this folder to the device (for example \`scp -r ${shQuote(ctx.folder)} pi@raspberrypi.local:\`), then on the`,
      `device run \`cd ${shQuote(ctx.folder)} && chmod 600 ${shQuote(key)} && ./${PATHS.mosquitto} pub\`.`,
      `Programs can read \`${PATHS.deviceJson}\` or load \`${PATHS.deviceEnv}\`. If your policy only allows Basic`,
      'Ingest topics (`$aws/rules/<rule name>/...`), publish there instead of the publish topic above:',
      "`TOPIC='$aws/rules/<rule name>/<thing>' ./config/mosquitto.sh pub`.",
      '',
      '### Python and Node.js (AWS IoT Device SDK v2)',
      '',
      mdFence(
        [
          'python3 -m pip install awsiotsdk',
          `python3 ${PATHS.python}`,
          '',
          'npm install aws-iot-device-sdk-v2',
          `node ${PATHS.javascript}`,
        ].join('\n'),
        'sh',
      ),
      '',
      `Each connects with the files of this folder, publishes one message to ${mdCode(ctx.topics.telemetry)} and disconnects.`,
      '',
      '### FreeRTOS',
      '',
      `Copy \`${PATHS.freertosCredential}\` over your application's \`configs/aws_configs/aws_clientcredential.h\``,
      '(it sets `clientcredentialMQTT_BROKER_ENDPOINT`, `clientcredentialIOT_THING_NAME` and',
      '`clientcredentialMQTT_BROKER_PORT`; fill in the Wi-Fi settings for a Wi-Fi board), and',
      `\`${PATHS.freertosKeys}\` over \`aws_clientcredential_keys.h\` (\`keyCLIENT_CERTIFICATE_PEM\`,`,
      `\`keyCLIENT_PRIVATE_KEY_PEM\`${ctx.privateKeyPem ? '' : ', which is empty here: paste the key in'}). Projects that take the certificate and key at build time`,
      `use ${mdCode(ctx.files.certificate)} and ${mdCode(key)} directly.`,
      ...(ctx.privateKeyPem ? ['The keys header contains the private key: keep it out of source control.'] : []),
      '',
      '### SparkFun DataLogger IoT',
      '',
      `1. Copy ${mdCode(ctx.files.rootCa)}, ${mdCode(ctx.files.certificate)} and ${mdCode(key)} to the root of the microSD card.`,
      `2. Put the \`"AWS IoT"\` block of \`${PATHS.sparkfun}\` into the DataLogger's settings JSON file (the one`,
      '   written with **Save to Fallback**) and load it at start-up; or type the same values in the serial menu',
      '   (115200 baud: Settings → IoT Services → AWS IoT). With `Enabled` set to true it posts its data to the',
      `   device shadow (${mdCode(ctx.topics.shadowUpdate)}) over port ${ctx.port}.`,
      '',
      '### thin-edge.io',
      '',
      `Copy this folder to the device and run \`sudo sh ${PATHS.thinEdge}\`. It installs the certificate, key and`,
      `root CA in \`${TEDGE_DIR}\`, runs \`tedge config set aws.url ${shQuote(ctx.endpoint)}\`,`,
      '`tedge config set aws.root.cert.path ...`, sets the device certificate and key paths, and runs',
      '`tedge connect aws`. thin-edge.io uses the Common Name of the certificate as its device ID and MQTT client',
      'ID (`tedge config get device.id`): a certificate AWS IoT created has the Common Name "AWS IoT Certificate",',
      'so either allow that client ID in the policy or use a certificate made from a CSR whose Common Name is the',
      'thing name. Telemetry then goes to AWS with `tedge mqtt pub aws/td \'{"text": "hello"}\'`.',
      '',
      '### Microchip AVR-IoT / PIC-IoT',
      '',
      `See \`${PATHS.microchip}\`: these boards publish on ${mdCode(ctx.topics.microchipSensors)} and use lowercase thing names.`,
    ].join('\n'),
  );

  if (ctx.credentialsProvider) {
    parts.push(credentialsReadme({ ...ctx, credentialsProvider: ctx.credentialsProvider }));
  }

  return parts.join('\n\n') + '\n';
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}
