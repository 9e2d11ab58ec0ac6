import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import { amazonRootCa } from './amazon-root-ca';
import { bundleFileName, bundleFiles, type BundleFile, type BundleInput } from './bundle';
import { readZip, zipBundle } from './zip';
import { pemHeader } from '../pki/pem';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const input = (over: Partial<BundleInput> = {}): BundleInput => ({
  thingName: 'sensor-42',
  endpoint: 'abc123-ats.iot.eu-west-1.amazonaws.com',
  port: 8883,
  mode: 'aws',
  region: 'eu-west-1',
  certificateId: 'a'.repeat(64),
  certificatePem: amazonRootCa().pem,
  privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  rootCa: amazonRootCa(),
  ...over,
});
const MTIME = new Date('2025-03-01T10:20:30Z');
const bytesOf = (f: BundleFile) => (typeof f.content === 'string' ? new TextEncoder().encode(f.content) : f.content);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const haveUnzip = spawnSync('sh', ['-c', 'command -v unzip']).status === 0;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-zip-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('zipBundle', () => {
  test('unzip lists every file and folder, and extracts identical bytes with their permissions', (t) => {
    const files = bundleFiles(input());
    const zip = zipBundle(files, { mtime: MTIME });
    const file = path.join(scratch, bundleFileName('sensor-42'));
    fs.writeFileSync(file, zip);

    // fflate reads it back byte for byte, folders included.
    const back = unzipSync(zip);
    assert.deepEqual(
      Object.keys(back).sort(),
      ['sensor-42/', 'sensor-42/config/', 'sensor-42/config/freertos/', ...files.map((f) => f.path)].sort(),
    );
    for (const f of files) assert.equal(sha(back[f.path]!), sha(bytesOf(f)), f.path);

    if (!haveUnzip) return t.skip('unzip is not installed: checked with fflate only');
    const listing = execFileSync('unzip', ['-l', file]).toString('utf8');
    for (const f of files) assert.ok(listing.includes(f.path), `unzip -l lists ${f.path}`);
    assert.match(listing, /2025-03-01 10:20/);
    execFileSync('unzip', ['-tq', file]);
    const out = path.join(scratch, 'out');
    execFileSync('unzip', ['-q', file, '-d', out]);
    for (const f of files) {
      const target = path.join(out, f.path);
      assert.equal(sha(fs.readFileSync(target)), sha(bytesOf(f)), f.path);
      const mode = fs.statSync(target).mode & 0o777;
      assert.equal(mode, f.mode ?? (f.executable ? 0o755 : 0o644), `${f.path} mode ${mode.toString(8)}`);
      // The extended timestamp field gives the exact time back, whatever the time zone.
      assert.equal(Math.abs(fs.statSync(target).mtimeMs - MTIME.getTime()) < 1000, true, `${f.path} mtime`);
    }
    assert.equal(fs.statSync(path.join(out, 'sensor-42/private.pem.key')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(out, 'sensor-42/config/mosquitto.sh')).mode & 0o777, 0o755);
  });

  test('the same files and mtime give the same bytes, in any time zone', () => {
    const files = bundleFiles(input());
    const a = zipBundle(files, { mtime: MTIME });
    const b = zipBundle(bundleFiles(input()), { mtime: new Date(MTIME) });
    assert.equal(sha(a), sha(b));
    assert.notEqual(sha(zipBundle(files, { mtime: new Date('2025-03-02T00:00:00Z') })), sha(a));

    const script = `
      import { bundleFiles } from ${JSON.stringify(path.resolve(import.meta.dirname, 'bundle.ts'))};
      import { zipBundle } from ${JSON.stringify(path.resolve(import.meta.dirname, 'zip.ts'))};
      import { amazonRootCa } from ${JSON.stringify(path.resolve(import.meta.dirname, 'amazon-root-ca.ts'))};
      import { createHash } from 'node:crypto';
      const input = JSON.parse(process.env.BUNDLE_INPUT);
      const files = bundleFiles({ ...input, rootCa: amazonRootCa() });
      process.stdout.write(createHash('sha256').update(zipBundle(files, { mtime: new Date(${MTIME.getTime()}) })).digest('hex'));
    `;
    const { rootCa: _rootCa, ...plain } = input();
    for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Chatham']) {
      const hash = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, TZ: tz, BUNDLE_INPUT: JSON.stringify(plain) },
      }).toString('utf8');
      assert.equal(hash, sha(a), `same bytes with TZ=${tz}`);
    }
  });

  test('dates outside what zip can store are clamped, invalid ones refused', () => {
    const files = [{ path: 'x/a.txt', content: 'a' }];
    assert.doesNotThrow(() => zipBundle(files, { mtime: new Date('1970-01-01T00:00:00Z') }));
    assert.doesNotThrow(() => zipBundle(files, { mtime: new Date('2200-01-01T00:00:00Z') }));
    assert.throws(() => zipBundle(files, { mtime: new Date('nope') }), /not a valid date/);
  });

  test('paths that could escape the folder, or collide on a case-insensitive disk, are refused', () => {
    for (const bad of ['../evil', '/abs', 'a//b', 'a/./b', 'a\\b', '']) {
      assert.throws(() => zipBundle([{ path: bad, content: 'x' }]), /Not a safe path/, bad);
    }
    assert.throws(
      () =>
        zipBundle([
          { path: 'x/A.txt', content: '1' },
          { path: 'x/a.txt', content: '2' },
        ]),
      /two entries/,
    );
    assert.throws(
      () =>
        zipBundle([
          { path: 'x/a', content: '1' },
          { path: 'x/a/b', content: '2' },
        ]),
      /two entries/,
    );
  });

  test('binary content and unicode names survive', () => {
    const data = new Uint8Array(256).map((_, i) => i);
    const zip = zipBundle([{ path: 'dévice/温度.bin', content: data }], { mtime: MTIME });
    assert.deepEqual(unzipSync(zip)['dévice/温度.bin'], data);
  });

  test('a file holding a private key is 0600 whatever mode it was given; stored zips read back', (t) => {
    const key = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const files: BundleFile[] = [
      { path: 'ca/ca-private-key.pem', content: key },
      { path: 'ca/key-as-bytes.pem', content: new TextEncoder().encode(key), mode: 0o644 },
      { path: 'ca/script.sh', content: `#!/bin/sh\ncat <<EOF\n${key}EOF\n`, executable: true },
      { path: 'ca/ca-certificate.pem', content: amazonRootCa().pem },
    ];
    const zip = zipBundle(files, { mtime: MTIME, level: 0 });
    const back = readZip(zip);
    assert.deepEqual(Object.keys(back).sort(), ['ca/', ...files.map((f) => f.path)].sort());
    for (const f of files) assert.equal(sha(back[f.path]!), sha(bytesOf(f)), f.path);
    // Stored: the key's text is in the zip as it is.
    assert.ok(Buffer.from(zip).includes(Buffer.from(pemHeader('PRIVATE KEY'))));

    if (!haveUnzip) return t.skip('unzip is not installed: checked with fflate only');
    const file = path.join(scratch, 'ca.zip');
    fs.writeFileSync(file, zip);
    const out = path.join(scratch, 'ca-out');
    execFileSync('unzip', ['-q', file, '-d', out]);
    const mode = (p: string) => fs.statSync(path.join(out, p)).mode & 0o777;
    assert.equal(mode('ca/ca-private-key.pem'), 0o600);
    assert.equal(mode('ca/key-as-bytes.pem'), 0o600);
    assert.equal(mode('ca/script.sh'), 0o600);
    assert.equal(mode('ca/ca-certificate.pem'), 0o644);
  });

  test('readZip refuses bytes that are not a zip', () => {
    assert.throws(() => readZip(new TextEncoder().encode('not a zip')));
  });
});
