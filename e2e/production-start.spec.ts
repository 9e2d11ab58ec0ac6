import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { getFreePort, type NextServer } from '../scripts/next-app';
import { expect, test } from './fixtures';
import { startOwnDashboard } from './support/own-dashboard';

/**
 * The production start, as a team deploys it: `npm start`'s launcher stopped by SIGTERM (what docker stop,
 * Kubernetes and systemd send), and the dashboard bound to 0.0.0.0 behind a TLS-terminating proxy. Each test
 * runs servers of its own on free ports (the same build global setup made) and stops them.
 */

/** Whether something still listens on the port (on 127.0.0.1). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test.describe('npm start under SIGTERM', () => {
  test.setTimeout(240_000);

  test('stops taking requests, closes the database and the emulator, and exits 0 within the bound', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-start-sigterm-'));
    const [port, httpPort, mqttPort, credentialsPort] = [
      await getFreePort(),
      await getFreePort(),
      await getFreePort(),
      await getFreePort(),
    ];
    const dashboardDir = path.join(dir, 'dashboard');
    const launcher = spawn(process.execPath, ['scripts/launch.mjs', 'start'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        IOT_MODE: 'local',
        PORT: String(port),
        IOT_EMULATOR_HTTP_PORT: String(httpPort),
        IOT_EMULATOR_MQTT_PORT: String(mqttPort),
        IOT_EMULATOR_CREDENTIALS_PORT: String(credentialsPort),
        IOT_EMULATOR_DATA_DIR: path.join(dir, 'emulator'),
        DASHBOARD_DATA_DIR: dashboardDir,
        DASHBOARD_ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
        BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    launcher.stdout.on('data', (c: Buffer) => (output += c.toString()));
    launcher.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => output, { timeout: 180_000 }).toContain('Dashboard: http://');
      const base = `http://127.0.0.1:${port}`;
      // Up and serving: the health route answers (the first request also opens the database and jobs).
      await expect
        .poll(async () => (await fetch(`${base}/api/health`).catch(() => undefined))?.status, { timeout: 60_000 })
        .toBe(200);
      expect(fs.existsSync(path.join(dashboardDir, 'db.lock')), 'PGlite holds its lock while it runs').toBe(true);

      const started = Date.now();
      launcher.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'late'>((r) => setTimeout(() => r('late'), 30_000))]);
      const took = Date.now() - started;
      expect(code, output.slice(-3000)).toBe(0);
      expect(took).toBeLessThan(25_000);
      // The dashboard shut down itself (not killed): its last lines say so, and its database lock is gone.
      expect(output).toContain('"msg":"shut down"');
      expect(fs.existsSync(path.join(dashboardDir, 'db.lock')), 'the PGlite lock file is released').toBe(false);
      for (const p of [port, httpPort, mqttPort, credentialsPort]) expect(await listening(p), `port ${p}`).toBe(false);
    } finally {
      if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGKILL');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A self-signed certificate for localhost (openssl; the proxy's, as a load balancer's would be). */
function selfSignedCertificate(dir: string): { key: string; cert: string } {
  const key = path.join(dir, 'proxy-key.pem');
  const cert = path.join(dir, 'proxy-cert.pem');
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost',
  ]);
  return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
}

/**
 * A TLS-terminating reverse proxy, as a load balancer is: HTTPS in, HTTP to the dashboard, adding
 * X-Forwarded-Proto / X-Forwarded-For and its own X-Request-Id.
 */
function startTlsProxy(
  tls: { key: string; cert: string },
  upstreamPort: number,
  listenPort: number,
): Promise<https.Server> {
  let n = 0;
  const server = https.createServer(tls, (req, res) => {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          'x-forwarded-proto': 'https',
          'x-forwarded-for': req.socket.remoteAddress ?? '',
          'x-request-id': `tls-proxy-${++n}`,
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(listenPort, '127.0.0.1', () => resolve(server)));
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTPS request that trusts the proxy's certificate (fetch cannot be given a CA per call). */
function httpsRequest(
  url: string,
  ca: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? 'GET', headers: init.headers, ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end(init.body);
  });
}

test.describe('behind a TLS-terminating proxy', () => {
  test.setTimeout(240_000);

  test('bound to 0.0.0.0, signed in over https: a __Secure- session cookie, HSTS, the proxy request id kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-tls-proxy-'));
    const tls = selfSignedCertificate(dir);
    const port = await getFreePort();
    const password = randomBytes(18).toString('base64url');
    const proxyPort = await getFreePort();
    let next: NextServer | undefined;
    let proxy: https.Server | undefined;
    try {
      next = await startOwnDashboard(
        {
          DASHBOARD_URL: `https://localhost:${proxyPort}`,
          DASHBOARD_TRUSTED_PROXIES: '127.0.0.1',
          DASHBOARD_ADMIN_PASSWORD: password,
          BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
          DASHBOARD_DATA_DIR: path.join(dir, 'dashboard'),
        },
        { host: '0.0.0.0', port },
      );
      proxy = await startTlsProxy(tls, port, proxyPort);
      const base = `https://localhost:${proxyPort}`;

      const signIn = await httpsRequest(`${base}/api/auth/sign-in/username`, tls.cert, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(signIn.status, signIn.body).toBe(200);
      const cookies = signIn.headers['set-cookie'] ?? [];
      const session = cookies.find((c) => /session_token=/.test(c));
      expect(session, cookies.join('\n')).toMatch(/^__Secure-[^=]*session_token=/);
      expect(session).toMatch(/;\s*Secure/i);
      expect(session).toMatch(/;\s*HttpOnly/i);

      const page = await httpsRequest(`${base}/things`, tls.cert, {
        headers: { cookie: session!.split(';')[0]! },
      });
      expect(page.status).toBe(200);
      expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(page.body).toContain('Signed in as');
      // The proxy's request id is the dashboard's too (it is a trusted proxy).
      expect(page.headers['x-request-id']).toMatch(/^tls-proxy-\d+$/);

      // Plain http straight to the dashboard (bound to every interface) gets no HSTS: it was not https.
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(200);
      expect(health.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await new Promise<void>((resolve) => (proxy?.listening ? proxy.close(() => resolve()) : resolve()));
      await next?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
