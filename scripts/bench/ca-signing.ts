/**
 * The CA path's speed: 1,000 device certificates signed in headless Chromium with one CA, by the same code the
 * /cas/[id]/sign page runs (lib/pki/ca-worker.ts in a Web Worker: per device an EC P-256 key and a certificate
 * signed by the CA). The page and the worker are bundled with esbuild and served from a throwaway static server
 * on 127.0.0.1 (a secure context, so WebCrypto is there); no dashboard, no emulator: signing makes no API call.
 *
 * Figures: the signing time (CA key import + 1,000 certificates, timed inside the worker; goal < 10 s, issue 6)
 * and, for information, the wall time until the whole zip (folders, configs, manifest) is back in the page.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { build } from 'esbuild';

import { launchChromium } from '../chromium';
import type { Figure } from './report';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEVICES = 1000;

/** The page: makes a CA, then runs one signing job in the worker and reports its times. */
const PAGE_SOURCE = `
import { createCa } from './lib/pki/ca';

window.__caBench = async (count) => {
  const ca = await createCa({ commonName: 'Bench CA' });
  const names = Array.from({ length: count }, (_, i) => 'bench-device-' + String(i).padStart(5, '0'));
  const worker = new Worker('/worker.js', { type: 'module' });
  const t0 = performance.now();
  let signedAt = 0;
  const result = await new Promise((resolve, reject) => {
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'progress' && m.progress.phase === 'zipping' && !signedAt) signedAt = performance.now();
      else if (m.type === 'done') resolve(m.result);
      else if (m.type === 'error') reject(new Error(m.message));
    };
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({
      type: 'sign',
      request: {
        caCertificatePem: ca.certificatePem,
        caPrivateKeyPem: ca.privateKeyPem,
        names,
        connection: { mode: 'local', region: 'us-east-1', endpoint: 'localhost', port: 8883,
          rootCa: { fileName: 'root-ca.pem', pem: ca.certificatePem, description: 'bench' } },
      },
    });
  });
  const total = performance.now() - t0;
  worker.terminate();
  return { signMs: result.signMs, signedWallMs: signedAt - t0, totalMs: total, count: result.count, zipBytes: result.zip.length };
};
`;

async function bundle(outDir: string): Promise<void> {
  const common = {
    bundle: true,
    format: 'esm' as const,
    platform: 'browser' as const,
    target: 'chrome120',
    minify: true,
    logLevel: 'silent' as const,
    tsconfig: path.join(ROOT, 'tsconfig.json'),
  };
  await build({
    ...common,
    stdin: { contents: PAGE_SOURCE, resolveDir: ROOT, sourcefile: 'bench-page.js', loader: 'js' },
    outfile: path.join(outDir, 'page.js'),
  });
  await build({
    ...common,
    entryPoints: [path.join(ROOT, 'lib/pki/ca-worker.ts')],
    outfile: path.join(outDir, 'worker.js'),
  });
  fs.writeFileSync(
    path.join(outDir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>CA bench</title><script type="module" src="/page.js"></script>',
  );
}

function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = http.createServer((req, res) => {
    const name = req.url === '/' ? 'index.html' : path.basename(req.url ?? '');
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${a.port}/`, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchCaSigning(opts: { quick: boolean }): Promise<Figure[]> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-bench-'));
  const server = await bundle(outDir).then(() => serve(outDir));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => typeof (window as unknown as { __caBench?: unknown }).__caBench === 'function');
    const runs = opts.quick ? 1 : 3;
    const results: { signMs: number; signedWallMs: number; totalMs: number; count: number; zipBytes: number }[] = [];
    for (let i = 0; i < runs; i++) {
      results.push(
        await page.evaluate(
          (n) => (window as unknown as { __caBench: (n: number) => Promise<(typeof results)[number]> }).__caBench(n),
          DEVICES,
        ),
      );
    }
    if (results.some((r) => r.count !== DEVICES)) throw new Error('the worker signed the wrong number of certificates');
    return [
      {
        key: 'ca.sign_1000_ms',
        label: `${DEVICES.toLocaleString('en-US')} device certificates signed in headless Chromium (worker, median of ${runs})`,
        value: median(results.map((r) => r.signMs)),
        unit: 'ms',
        better: 'lower',
        goal: 10_000,
      },
      {
        key: 'ca.sign_and_zip_1000_ms',
        label: `${DEVICES.toLocaleString('en-US')} devices signed and zipped (one folder each, manifest), page wall time`,
        value: median(results.map((r) => r.totalMs)),
        unit: 'ms',
        better: 'lower',
      },
      {
        key: 'ca.zip_1000_mb',
        label: `Zip size for ${DEVICES.toLocaleString('en-US')} devices`,
        value: median(results.map((r) => r.zipBytes / 1024 / 1024)),
        unit: 'MB',
        better: 'lower',
      },
    ];
  } finally {
    await browser.close().catch(() => {});
    await server.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}
