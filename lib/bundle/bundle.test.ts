import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import util from 'node:util';
import { AMAZON_ROOT_CA_1_PEM, amazonRootCa } from './amazon-root-ca';
import { bundleFiles, type BundleFile, type BundleInput } from './bundle';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PRIVATE_KEY_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const PUBLIC_KEY_PEM = publicKey.export({ type: 'spki', format: 'pem' }) as string;
// Any certificate will do for composing the bundle; CRLF line endings check the normalisation too.
const CERT_PEM = AMAZON_ROOT_CA_1_PEM.replace(/\n/g, '\r\n');
const CERT_ID = 'f'.repeat(64);

const base = (over: Partial<BundleInput> = {}): BundleInput => ({
  thingName: 'MyThing_eu_west_1',
  endpoint: 'a3xyzzyx-ats.iot.eu-west-1.amazonaws.com',
  port: 8883,
  mode: 'aws',
  region: 'eu-west-1',
  certificateId: CERT_ID,
  certificatePem: CERT_PEM,
  privateKeyPem: PRIVATE_KEY_PEM,
  publicKeyPem: PUBLIC_KEY_PEM,
  rootCa: amazonRootCa(),
  policyName: 'DevicePolicy',
  createdAt: new Date('2025-03-01T10:00:00Z'),
  ...over,
});

/** Thing names at the edges of what AWS allows ([a-zA-Z0-9:_-], 1-128), and endpoints no shell or C compiler likes. */
const ODD_THINGS = ['-leading-dash', 'a:b:c', 'CON', 'x', 'Z'.repeat(128), '__--::09'];
const ODD_ENDPOINTS = [
  `we'ird"end\\point$(touch /tmp/pwned)\`id\`??/??=`,
  'spa ce;rm -rf ~ && echo |pipe| *glob* ?',
  'ünïcödé-ats.iot.例え.amazonaws.com 123',
  '%d %s {curly} [brackets] #hash !bang',
];

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
let dirCount = 0;

/** Writes the bundle's files under a fresh directory (with their modes); returns the thing folder. */
function writeBundle(files: BundleFile[]): string {
  const root = path.join(scratch, String(dirCount++));
  for (const f of files) {
    const target = path.join(root, f.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, f.content);
    fs.chmodSync(target, f.mode ?? (f.executable ? 0o755 : 0o644));
  }
  return path.join(root, files[0]!.path.split('/')[0]!);
}

const text = (files: BundleFile[], suffix: string): string => {
  const f = files.find((x) => x.path.endsWith('/' + suffix));
  assert.ok(f, `no file ending in ${suffix}: ${files.map((x) => x.path).join(', ')}`);
  assert.equal(typeof f.content, 'string');
  return f.content as string;
};

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe('bundle contents', () => {
  test('every file is present, inside a folder named after the thing', () => {
    const files = bundleFiles(base());
    assert.deepEqual(
      files.map((f) => f.path).sort(),
      [
        'README.md',
        'certificate.pem.crt',
        'private.pem.key',
        'public.pem.key',
        'AmazonRootCA1.pem',
        'config/device.json',
        'config/device.env',
        'config/mosquitto.sh',
        'config/aws-iot-device-sdk-python.py',
        'config/aws-iot-device-sdk-js.js',
        'config/freertos/aws_clientcredential.h',
        'config/freertos/aws_clientcredential_keys.h',
        'config/sparkfun-datalogger-iot.json',
        'config/thin-edge.sh',
        'config/microchip-avr-pic-iot.md',
      ]
        .map((p) => `MyThing_eu_west_1/${p}`)
        .sort(),
    );
    const byName = Object.fromEntries(files.map((f) => [f.path.slice('MyThing_eu_west_1/'.length), f]));
    assert.equal(
      byName['certificate.pem.crt']!.content,
      AMAZON_ROOT_CA_1_PEM,
      'PEM normalised to LF with one final newline',
    );
    assert.equal(byName['private.pem.key']!.content, PRIVATE_KEY_PEM);
    assert.equal(byName['private.pem.key']!.mode, 0o600);
    assert.equal(byName['public.pem.key']!.content, PUBLIC_KEY_PEM);
    assert.equal(byName['AmazonRootCA1.pem']!.content, AMAZON_ROOT_CA_1_PEM);
    assert.equal(byName['config/mosquitto.sh']!.executable, true);
    assert.equal(byName['config/thin-edge.sh']!.executable, true);
    const readme = byName['README.md']!.content as string;
    assert.match(readme, /only copy of this device's private key/);
    assert.match(readme, /mosquitto_pub -h a3xyzzyx-ats\.iot\.eu-west-1\.amazonaws\.com -p 8883 -i MyThing_eu_west_1/);
    assert.match(readme, /mosquitto_sub /);
    assert.match(readme, /--tls-version tlsv1\.2/);
    assert.match(readme, /`DevicePolicy`/);
  });

  test('the folder and root CA file names are safe on every OS', () => {
    const files = bundleFiles(
      base({ thingName: 'a:b', rootCa: { fileName: 'CON.pem', pem: AMAZON_ROOT_CA_1_PEM, description: 'x' } }),
    );
    assert.ok(files.every((f) => f.path.startsWith('a_b/')));
    assert.ok(files.some((f) => f.path === 'a_b/_CON.pem'));
    const clash = bundleFiles(
      base({ rootCa: { fileName: 'certificate.pem.crt', pem: AMAZON_ROOT_CA_1_PEM, description: 'x' } }),
    );
    assert.equal(new Set(clash.map((f) => f.path.toLowerCase())).size, clash.length, 'no two files share a name');
  });

  test('without the private key there is no key file, and the README says where the key is', () => {
    const files = bundleFiles(base({ privateKeyPem: undefined, publicKeyPem: undefined }));
    assert.ok(!files.some((f) => /private\.pem\.key$|public\.pem\.key$/.test(f.path)));
    const readme = text(files, 'README.md');
    assert.match(readme, /The private key is not included in this download/);
    assert.match(readme, /first bundle downloaded for certificate\n> `f{64}`/);
    assert.match(readme, /`MyThing_eu_west_1\/private\.pem\.key`/);
    assert.doesNotMatch(readme, /only copy of this device's private key/);
    assert.doesNotMatch(readme, /PRIVATE KEY-----/);
    for (const f of files)
      assert.ok(!String(f.content).includes('PRIVATE KEY-----'), `${f.path} holds no key material`);
    const keys = text(files, 'aws_clientcredential_keys.h');
    assert.match(keys, /#define keyCLIENT_PRIVATE_KEY_PEM\s+""/);
    assert.match(keys, /NOT included/);
    const json = JSON.parse(text(files, 'device.json'));
    assert.equal(json.files.privateKeyIncluded, false);
    assert.equal(json.files.publicKey, null);
    assert.match(text(files, 'mosquitto.sh'), /not part of this download/);
  });

  test("local mode says the root CA is the local IoT Core's", () => {
    const files = bundleFiles(
      base({
        mode: 'local',
        endpoint: 'localhost',
        port: 41883,
        rootCa: {
          fileName: 'local-iot-core-root-ca.pem',
          pem: AMAZON_ROOT_CA_1_PEM,
          description: "The local IoT Core's root CA.",
        },
      }),
    );
    const readme = text(files, 'README.md');
    assert.match(readme, /`local-iot-core-root-ca\.pem` is the root certificate of the local IoT Core/);
    assert.match(readme, /not Amazon Root CA 1/);
    assert.match(readme, /only reaches the local IoT Core from the machine it runs on/);
    assert.match(readme, /-h localhost -p 41883/);
    assert.doesNotMatch(readme, /AWS IoT console \(region/);
    assert.ok(files.some((f) => f.path === 'MyThing_eu_west_1/local-iot-core-root-ca.pem'));
    assert.equal(
      JSON.parse(text(files, 'sparkfun-datalogger-iot.json'))['AWS IoT']['CA Cert Filename'],
      'local-iot-core-root-ca.pem',
    );
  });

  test('device.json parses and has the connection fields', () => {
    const json = JSON.parse(
      text(bundleFiles(base({ topics: { telemetry: '$aws/rules/ingest/MyThing_eu_west_1' } })), 'device.json'),
    );
    assert.equal(json.thingName, 'MyThing_eu_west_1');
    assert.equal(json.clientId, 'MyThing_eu_west_1');
    assert.equal(json.endpoint, 'a3xyzzyx-ats.iot.eu-west-1.amazonaws.com');
    assert.equal(json.port, 8883);
    assert.equal(json.region, 'eu-west-1');
    assert.equal(json.certificateId, CERT_ID);
    assert.equal(json.policyName, 'DevicePolicy');
    assert.deepEqual(json.topics, {
      telemetry: '$aws/rules/ingest/MyThing_eu_west_1',
      shadowUpdate: '$aws/things/MyThing_eu_west_1/shadow/update',
      shadowUpdateDelta: '$aws/things/MyThing_eu_west_1/shadow/update/delta',
      microchipSensors: 'mything_eu_west_1/sensors',
    });
    assert.deepEqual(json.files, {
      baseDirectory: '..',
      certificate: 'certificate.pem.crt',
      privateKey: 'private.pem.key',
      privateKeyIncluded: true,
      publicKey: 'public.pem.key',
      rootCa: 'AmazonRootCA1.pem',
    });
    assert.equal(json.createdAt, '2025-03-01T10:00:00.000Z');
  });

  test("the SparkFun DataLogger IoT block has the keys of SparkFun's settings file", () => {
    const json = JSON.parse(text(bundleFiles(base()), 'sparkfun-datalogger-iot.json'));
    assert.deepEqual(Object.keys(json), ['AWS IoT']);
    assert.deepEqual(json['AWS IoT'], {
      Enabled: true,
      Port: 8883,
      Server: 'a3xyzzyx-ats.iot.eu-west-1.amazonaws.com',
      'MQTT Topic': '$aws/things/MyThing_eu_west_1/shadow/update',
      'Client Name': 'MyThing_eu_west_1',
      'Buffer Size': 0,
      Username: '',
      Password: '',
      'CA Certificate': '',
      'Client Certificate': '',
      'Client Key': '',
      'CA Cert Filename': 'AmazonRootCA1.pem',
      'Client Cert Filename': 'certificate.pem.crt',
      'Client Key Filename': 'private.pem.key',
    });
  });

  test('the Microchip note uses the lowercase thing name and the sensors topic', () => {
    const note = text(bundleFiles(base({ thingName: 'Board_A1' })), 'microchip-avr-pic-iot.md');
    assert.match(note, /`board_a1\/sensors`/);
    assert.match(note, /\*\*lowercase\*\*/);
    assert.match(note, /contains capital letters/);
    assert.doesNotMatch(
      text(bundleFiles(base({ thingName: 'board_a1' })), 'microchip-avr-pic-iot.md'),
      /contains capital letters/,
    );
  });

  test('a default telemetry topic of <thing>/telemetry, and a custom one everywhere', () => {
    assert.match(text(bundleFiles(base()), 'mosquitto.sh'), /DEFAULT_TOPIC=MyThing_eu_west_1\/telemetry/);
    const files = bundleFiles(base({ topics: { telemetry: 'fleet/MyThing_eu_west_1/data' } }));
    for (const name of [
      'mosquitto.sh',
      'aws-iot-device-sdk-python.py',
      'aws-iot-device-sdk-js.js',
      'device.env',
      'README.md',
    ]) {
      assert.ok(text(files, name).includes('fleet/MyThing_eu_west_1/data'), name);
    }
  });

  test('port 443 adds the ALPN protocol AWS IoT Core needs for MQTT there', () => {
    const files = bundleFiles(base({ port: 443 }));
    assert.match(text(files, 'mosquitto.sh'), /-p 443 .*\n.*\n\s+--tls-version tlsv1\.2 --tls-alpn x-amzn-mqtt-ca/);
    assert.deepEqual(JSON.parse(text(files, 'device.json')).alpnProtocols, ['x-amzn-mqtt-ca']);
    assert.match(text(files, 'aws_clientcredential.h'), /clientcredentialMQTT_BROKER_PORT\s+443\n/);
    assert.equal(JSON.parse(text(files, 'sparkfun-datalogger-iot.json'))['AWS IoT'].Port, 443);
    assert.match(text(files, 'thin-edge.sh'), /listens on 443/);
    assert.doesNotMatch(text(bundleFiles(base()), 'mosquitto.sh'), /alpn/);
  });

  test('input that cannot make a working bundle is refused with a reason', () => {
    assert.throws(() => bundleFiles(base({ thingName: '' })), /thingName is empty/);
    assert.throws(() => bundleFiles(base({ endpoint: ' ' })), /endpoint is empty/);
    assert.throws(() => bundleFiles(base({ endpoint: 'a\nb' })), /endpoint contains control characters/);
    assert.throws(() => bundleFiles(base({ port: 0 })), /port must be an integer/);
    assert.throws(() => bundleFiles(base({ port: 8883.5 })), /port must be an integer/);
    assert.throws(() => bundleFiles(base({ certificatePem: 'nope' })), /certificatePem is not a PEM certificate/);
    assert.throws(() => bundleFiles(base({ privateKeyPem: CERT_PEM })), /privateKeyPem is not a PEM private key/);
    assert.throws(() => bundleFiles(base({ topics: { telemetry: 'a/#' } })), /topics\.telemetry/);
  });
});

describe('generated code reads back the exact values', () => {
  const cases = [
    { thingName: 'MyThing_eu_west_1', endpoint: 'a3xyzzyx-ats.iot.eu-west-1.amazonaws.com' },
    ...ODD_THINGS.map((thingName, i) => ({ thingName, endpoint: ODD_ENDPOINTS[i % ODD_ENDPOINTS.length]! })),
  ];

  test('C headers compile (gcc -fsyntax-only, -Wall -Werror -trigraphs) and print every value unchanged', (t) => {
    if (!have('gcc')) return t.skip('gcc is not installed: the C headers were not compile-checked');
    for (const c of cases) {
      for (const withKey of [true, false]) {
        const input = base({ ...c, privateKeyPem: withKey ? PRIVATE_KEY_PEM : undefined });
        const dir = path.join(writeBundle(bundleFiles(input)), 'config', 'freertos');
        const main = path.join(dir, 'main.c');
        fs.writeFileSync(
          main,
          `#include <stdio.h>
#include "aws_clientcredential.h"
#include "aws_clientcredential_keys.h"
static void out(const char *s) { fputs(s, stdout); putchar(0); }
int main(void) {
  char port[16];
  snprintf(port, sizeof port, "%d", clientcredentialMQTT_BROKER_PORT);
  out(clientcredentialMQTT_BROKER_ENDPOINT);
  out(clientcredentialIOT_THING_NAME);
  out(port);
  out(keyCLIENT_CERTIFICATE_PEM);
  out(keyCLIENT_PRIVATE_KEY_PEM);
  out(keyJITR_DEVICE_CERTIFICATE_AUTHORITY_PEM);
  return 0;
}
`,
        );
        const flags = ['-std=c99', '-trigraphs', '-Wall', '-Wextra', '-Werror', '-I', dir];
        execFileSync('gcc', ['-fsyntax-only', ...flags, main]);
        execFileSync('gcc', [...flags, '-o', path.join(dir, 'main'), main]);
        const printed = execFileSync(path.join(dir, 'main')).toString('utf8').split('\0');
        assert.deepEqual(printed, [
          c.endpoint,
          c.thingName,
          '8883',
          AMAZON_ROOT_CA_1_PEM,
          withKey ? PRIVATE_KEY_PEM : '',
          '',
          '',
        ]);
      }
    }
  });

  test('device.env: bash and dash source it back, node parses it the same', () => {
    const topics = ["it's/a/topic", 'dollar/$HOME/`x`/"q"/\\'];
    for (const [i, c] of cases.entries()) {
      const input = base({ ...c, topics: { telemetry: topics[i % 2]! }, policyName: i % 3 === 0 ? undefined : 'P' });
      const env = text(bundleFiles(input), 'device.env');
      const file = path.join(scratch, `device-${i}.env`);
      fs.writeFileSync(file, env);
      const keys = [
        'IOT_MODE',
        'IOT_THING_NAME',
        'IOT_CLIENT_ID',
        'IOT_ENDPOINT',
        'IOT_PORT',
        'IOT_REGION',
        'IOT_CERTIFICATE_ID',
        'IOT_POLICY_NAME',
        'IOT_TELEMETRY_TOPIC',
        'IOT_SHADOW_UPDATE_TOPIC',
        'IOT_CERT_FILE',
        'IOT_KEY_FILE',
        'IOT_ROOT_CA_FILE',
      ];
      const expected = [
        'aws',
        c.thingName,
        c.thingName,
        c.endpoint,
        '8883',
        'eu-west-1',
        CERT_ID,
        input.policyName ?? '',
        topics[i % 2]!,
        `$aws/things/${c.thingName}/shadow/update`,
        'certificate.pem.crt',
        'private.pem.key',
        'AmazonRootCA1.pem',
      ];
      const script = `set -eu; set -a; . "$1"; set +a; for k in ${keys.join(' ')}; do eval "printf '%s\\\\0' \\"\\$$k\\""; done`;
      for (const shell of ['bash', 'dash']) {
        if (!have(shell)) continue;
        const out = execFileSync(shell, ['-c', script, shell, file]).toString('utf8').split('\0').slice(0, -1);
        assert.deepEqual(out, expected, `${shell} reads ${file}`);
      }
      const parseEnv = (util as unknown as { parseEnv?: (s: string) => Record<string, string> }).parseEnv;
      if (parseEnv) {
        const parsed = parseEnv(env);
        keys.forEach((k, j) => {
          if (!expected[j]!.includes("'")) assert.equal(parsed[k], expected[j], `node parseEnv ${k}`);
        });
      }
    }
  });

  test('shell scripts are valid sh (bash -n, dash -n) and mosquitto.sh passes the exact arguments', (t) => {
    const bin = path.join(scratch, 'fake-bin');
    fs.mkdirSync(bin, { recursive: true });
    // Stand-ins that record their arguments, NUL-separated.
    for (const name of ['mosquitto_pub', 'mosquitto_sub']) {
      fs.writeFileSync(path.join(bin, name), `#!/bin/sh\nprintf '%s\\0' ${name} "$@" > "$ARGS_OUT"\n`, { mode: 0o755 });
    }
    for (const c of cases) {
      for (const withKey of [true, false]) {
        const folder = writeBundle(bundleFiles(base({ ...c, privateKeyPem: withKey ? PRIVATE_KEY_PEM : undefined })));
        for (const script of ['config/mosquitto.sh', 'config/thin-edge.sh']) {
          for (const shell of ['bash', 'dash']) {
            if (have(shell)) execFileSync(shell, ['-n', path.join(folder, script)]);
          }
        }
        const argsOut = path.join(folder, 'args');
        const run = (...args: string[]) =>
          spawnSync(path.join(folder, 'config/mosquitto.sh'), args, {
            cwd: os.tmpdir(),
            env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ARGS_OUT: argsOut },
            encoding: 'utf8',
          });
        const pub = run('pub');
        if (!withKey) {
          assert.equal(pub.status, 1);
          assert.match(pub.stderr, /private\.pem\.key is missing/);
          assert.match(pub.stderr, /not part of this download/);
          continue;
        }
        assert.equal(pub.status, 0, pub.stderr);
        const args = fs.readFileSync(argsOut, 'utf8').split('\0').slice(0, -1);
        const opt = (flag: string) => args[args.indexOf(flag) + 1];
        assert.equal(args[0], 'mosquitto_pub');
        assert.equal(opt('-h'), c.endpoint);
        assert.equal(opt('-p'), '8883');
        assert.equal(opt('-i'), c.thingName);
        assert.equal(opt('--cafile'), 'AmazonRootCA1.pem');
        assert.equal(opt('--cert'), 'certificate.pem.crt');
        assert.equal(opt('--key'), 'private.pem.key');
        assert.equal(opt('--tls-version'), 'tlsv1.2');
        assert.equal(opt('-t'), `${c.thingName}/telemetry`);
        assert.deepEqual(JSON.parse(opt('-m')!), { thingName: c.thingName, message: 'Hello from the device' });

        const sub = run('sub');
        assert.equal(sub.status, 0, sub.stderr);
        const subArgs = fs.readFileSync(argsOut, 'utf8').split('\0');
        assert.equal(subArgs[0], 'mosquitto_sub');
        assert.equal(subArgs[subArgs.indexOf('-h') + 1], c.endpoint);
        assert.equal(subArgs[subArgs.indexOf('-i') + 1], c.thingName);
      }
    }
    if (!have('dash')) t.diagnostic('dash not installed: scripts checked with bash only');
  });

  test('the README mosquitto commands pass the exact arguments too', () => {
    for (const c of cases) {
      const readme = text(bundleFiles(base(c)), 'README.md');
      const block = /```sh\n([\s\S]*?mosquitto_pub[\s\S]*?)\n\s*```/.exec(readme)![1]!.replace(/^ {3}/gm, '');
      const out = execFileSync('bash', ['-c', `mosquitto_pub() { printf '%s\\0' "$@"; }\n${block}`])
        .toString('utf8')
        .split('\0');
      assert.equal(out[out.indexOf('-h') + 1], c.endpoint);
      assert.equal(out[out.indexOf('-i') + 1], c.thingName);
      assert.equal(out[out.indexOf('-t') + 1], `${c.thingName}/telemetry`);
    }
  });

  test('thin-edge.sh runs tedge config set and tedge connect aws with the exact values', () => {
    const bin = path.join(scratch, 'fake-tedge-bin');
    fs.mkdirSync(bin, { recursive: true });
    const log = path.join(scratch, 'tedge.log');
    // Stand-ins for everything that would touch the system: id says root, the rest only record their arguments.
    fs.writeFileSync(path.join(bin, 'id'), '#!/bin/sh\n[ "$1" = -u ] && echo 0 || exit 1\n', { mode: 0o755 });
    for (const name of ['mkdir', 'install', 'chown', 'tedge']) {
      fs.writeFileSync(
        path.join(bin, name),
        `#!/bin/sh\nprintf '%s\\0' ${name} "$@" >> "$TEDGE_LOG"; printf '\\n' >> "$TEDGE_LOG"\n`,
        { mode: 0o755 },
      );
    }
    for (const c of cases) {
      fs.writeFileSync(log, '');
      const folder = writeBundle(bundleFiles(base(c)));
      const r = spawnSync('sh', [path.join(folder, 'config/thin-edge.sh')], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, TEDGE_LOG: log },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const calls = fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\0').slice(0, -1));
      const tedge = calls.filter((x) => x[0] === 'tedge').map((x) => x.slice(1));
      assert.deepEqual(tedge, [
        ['config', 'set', 'device.cert.path', '/etc/tedge/device-certs/tedge-certificate.pem'],
        ['config', 'set', 'device.key.path', '/etc/tedge/device-certs/tedge-private-key.pem'],
        ['config', 'set', 'aws.url', c.endpoint],
        ['config', 'set', 'aws.root.cert.path', '/etc/tedge/device-certs/AmazonRootCA1.pem'],
        ['config', 'get', 'device.id'],
        ['connect', 'aws'],
      ]);
      const installs = calls.filter((x) => x[0] === 'install').map((x) => x.slice(-2));
      assert.deepEqual(installs, [
        ['certificate.pem.crt', '/etc/tedge/device-certs/tedge-certificate.pem'],
        ['private.pem.key', '/etc/tedge/device-certs/tedge-private-key.pem'],
        ['AmazonRootCA1.pem', '/etc/tedge/device-certs/AmazonRootCA1.pem'],
      ]);
    }
  });

  test('the Python snippet parses and carries the exact values', (t) => {
    if (!have('python3')) return t.skip('python3 is not installed');
    for (const c of cases) {
      const file = path.join(writeBundle(bundleFiles(base(c))), 'config', 'aws-iot-device-sdk-python.py');
      const read = `import ast, json, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
out = {}
for node in tree.body:
    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Constant):
        out[node.targets[0].id] = node.value.value
print(json.dumps(out))`;
      const values = JSON.parse(execFileSync('python3', ['-c', read, file]).toString('utf8'));
      assert.deepEqual(values, {
        ENDPOINT: c.endpoint,
        PORT: 8883,
        CLIENT_ID: c.thingName,
        TOPIC: `${c.thingName}/telemetry`,
      });
    }
  });

  test('the Python snippet drives the SDK as documented (mtls_from_path, connect, publish)', (t) => {
    if (!have('python3')) return t.skip('python3 is not installed');
    const stub = path.join(scratch, 'py-stub');
    fs.mkdirSync(path.join(stub, 'awscrt'), { recursive: true });
    fs.mkdirSync(path.join(stub, 'awsiot'), { recursive: true });
    fs.writeFileSync(path.join(stub, 'awscrt', '__init__.py'), '');
    fs.writeFileSync(path.join(stub, 'awscrt', 'mqtt.py'), 'class QoS:\n    AT_MOST_ONCE = 0\n    AT_LEAST_ONCE = 1\n');
    fs.writeFileSync(path.join(stub, 'awsiot', '__init__.py'), '');
    fs.writeFileSync(
      path.join(stub, 'awsiot', 'mqtt_connection_builder.py'),
      `import json, os
class _Done:
    def result(self): return None
class _Connection:
    def __init__(self, kwargs): self.log = {"build": kwargs}
    def connect(self): self.log["connected"] = True; return _Done()
    def publish(self, topic, payload, qos):
        self.log["publish"] = {"topic": topic, "payload": payload, "qos": qos}; return _Done(), 1
    def disconnect(self):
        open(os.environ["PY_LOG"], "w", encoding="utf-8").write(json.dumps(self.log)); return _Done()
def mtls_from_path(cert_filepath, pri_key_filepath, **kwargs):
    return _Connection(dict(kwargs, cert_filepath=cert_filepath, pri_key_filepath=pri_key_filepath))
`,
    );
    const c = cases[1]!;
    const folder = writeBundle(bundleFiles(base(c)));
    const log = path.join(scratch, 'py.json');
    const r = spawnSync('python3', [path.join(folder, 'config', 'aws-iot-device-sdk-python.py')], {
      env: { ...process.env, PYTHONPATH: stub, PY_LOG: log },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(fs.readFileSync(log, 'utf8'));
    assert.equal(got.build.endpoint, c.endpoint);
    assert.equal(got.build.port, 8883);
    assert.equal(got.build.client_id, c.thingName);
    assert.equal(got.build.cert_filepath, path.join(folder, 'certificate.pem.crt'));
    assert.equal(got.build.pri_key_filepath, path.join(folder, 'private.pem.key'));
    assert.equal(got.build.ca_filepath, path.join(folder, 'AmazonRootCA1.pem'));
    assert.equal(got.connected, true);
    assert.equal(got.publish.topic, `${c.thingName}/telemetry`);
    assert.equal(got.publish.qos, 1);
    assert.equal(JSON.parse(got.publish.payload).thingName, c.thingName);
  });

  test('the JavaScript snippet parses and drives the SDK as documented (new_mtls_builder_from_path, connect, publish)', () => {
    for (const c of cases) {
      const folder = writeBundle(bundleFiles(base(c)));
      const file = path.join(folder, 'config', 'aws-iot-device-sdk-js.js');
      execFileSync(process.execPath, ['--check', file]);
      // A stand-in SDK in the bundle's node_modules that records the calls.
      const sdk = path.join(folder, 'node_modules', 'aws-iot-device-sdk-v2');
      fs.mkdirSync(sdk, { recursive: true });
      fs.writeFileSync(
        path.join(sdk, 'index.js'),
        `const fs = require('fs');
const log = { calls: [] };
const builder = { config: {} };
for (const m of ['with_certificate_authority_from_path', 'with_endpoint', 'with_port', 'with_client_id', 'with_clean_session', 'with_keep_alive_seconds']) {
  builder[m] = (...args) => { log.calls.push([m, ...args]); return builder; };
}
builder.build = () => ({ built: true });
exports.iot = { AwsIotMqttConnectionConfigBuilder: { new_mtls_builder_from_path: (cert, key) => { log.calls.push(['new_mtls_builder_from_path', cert, key]); return builder; } } };
exports.mqtt = {
  QoS: { AtMostOnce: 0, AtLeastOnce: 1 },
  MqttClient: class { new_connection(config) { log.config = config; return {
    connect: async () => { log.connected = true; },
    publish: async (topic, payload, qos) => { log.publish = { topic, payload, qos }; },
    disconnect: async () => { fs.writeFileSync(process.env.JS_LOG, JSON.stringify(log)); },
  }; } },
};
`,
      );
      const log = path.join(folder, 'js.json');
      const r = spawnSync(process.execPath, [file], { env: { ...process.env, JS_LOG: log }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const got = JSON.parse(fs.readFileSync(log, 'utf8'));
      assert.deepEqual(got.calls, [
        ['new_mtls_builder_from_path', path.join(folder, 'certificate.pem.crt'), path.join(folder, 'private.pem.key')],
        ['with_certificate_authority_from_path', null, path.join(folder, 'AmazonRootCA1.pem')],
        ['with_endpoint', c.endpoint],
        ['with_port', 8883],
        ['with_client_id', c.thingName],
        ['with_clean_session', true],
        ['with_keep_alive_seconds', 30],
      ]);
      assert.equal(got.connected, true);
      assert.deepEqual(got.publish.topic, `${c.thingName}/telemetry`);
      assert.equal(got.publish.qos, 1);
      assert.equal(JSON.parse(got.publish.payload).thingName, c.thingName);
    }
  });
});
