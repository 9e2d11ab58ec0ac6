import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ServerIdentity } from '../broker/server-identity';
import type { EmulatorContext } from '../context';
import { answerCredentialsRequest, type CredentialsAnswer } from './provider';

/**
 * The credentials provider's endpoint (DescribeEndpoint iot:CredentialProvider): HTTPS with mutual TLS on a
 * port of its own, with the broker's server certificate (so a device that trusts `<dataDir>/root-ca.pem`
 * verifies it as it would verify AWS with Amazon Root CA 1). Node completes the handshake with any client
 * certificate; the registry decides per request (provider.ts). One route:
 * `GET /role-aliases/{alias}/credentials`, with the optional `x-amzn-iot-thingname` header.
 */
export interface CredentialsServer {
  port: number;
  close(): Promise<void>;
}

const ROUTE = /^\/role-aliases\/([^/]+)\/credentials$/;

export async function startCredentialsServer(
  ctx: EmulatorContext,
  opts: { host: string; port: number; identity: ServerIdentity },
): Promise<CredentialsServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(
    {
      key: opts.identity.key,
      cert: opts.identity.cert,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      let answer: CredentialsAnswer;
      try {
        const path = (req.url ?? '/').split('?')[0]!;
        const m = ROUTE.exec(path);
        if (!m) answer = { status: 404, errorType: 'ResourceNotFoundException', body: { message: 'Not Found' } };
        else if (req.method !== 'GET') {
          answer = { status: 405, errorType: 'MethodNotAllowedException', body: { message: 'Method Not Allowed' } };
        } else {
          const peer = (req.socket as TLSSocket).getPeerX509Certificate();
          const header = req.headers['x-amzn-iot-thingname'];
          answer = answerCredentialsRequest(ctx, {
            certificateDer: peer?.raw,
            roleAlias: safeDecode(m[1]!),
            thingName: (Array.isArray(header) ? header[0] : header) || undefined,
          });
        }
      } catch (err) {
        ctx.config.log(`credentials provider: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        answer = { status: 500, errorType: 'InternalFailureException', body: { message: 'Internal failure' } };
      }
      const payload = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(payload)),
        'x-amzn-RequestId': crypto.randomUUID(),
        ...(answer.errorType ? { 'x-amzn-ErrorType': answer.errorType } : {}),
      });
      res.end(payload);
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
