import { constants as tlsConstants } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { EmulatorContext } from '../context';
import { answeredHosts, browserRefusal, upgradeRefusal } from '../http/request-guard';
import { authenticateDevice, type UnregisteredCertificateHandler } from './authentication';
import type { Session } from './authorization';
import { MAXIMUM_PACKET_SIZE } from './limits';
import type { ServerIdentity } from './server-identity';
import { verifyPresignedUrl } from './sigv4';

/**
 * The broker's two ways in, each handing an authenticated byte stream to `admit`:
 * - devices: MQTT over mutual TLS. Node completes the handshake with any client certificate; the registry
 *   decides right after, and an unknown or inactive certificate's connection is closed before any MQTT is
 *   read. Nagle is off, as on any request/response server: a CONNACK or PUBACK goes out at once instead
 *   of waiting for the client's delayed ACK of the handshake's last flight.
 * - the dashboard: MQTT over a SigV4-presigned WebSocket at `/mqtt` on the emulator's HTTP server. A
 *   WebSocket message larger than the broker's maximum packet is refused from its header, before ws
 *   buffers it (MQTT's own size check then applies to packets split over several messages).
 */
export interface Transports {
  port: number;
  attachWebSocket(server: HttpServer): void;
  close(): Promise<void>;
}

/** WebSocket framing may add a little around one MQTT packet; anything beyond is no packet AWS accepts. */
const MAX_WEBSOCKET_MESSAGE = MAXIMUM_PACKET_SIZE + 1024;

export async function startTransports(
  ctx: EmulatorContext,
  opts: { host: string; port: number; identity: ServerIdentity; onUnregistered: UnregisteredCertificateHandler },
  admit: (conn: Duplex, session: Session, req?: IncomingMessage) => void,
  log: (line: string) => void,
): Promise<Transports> {
  const sockets = new Set<Socket>();
  const tlsServer = createTlsServer(
    {
      key: opts.identity.key,
      cert: opts.identity.cert,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      noDelay: true,
      // AWS IoT Core does not resume TLS sessions: every device connection is a full handshake. No session
      // tickets (and no session cache: Node keeps none without a 'resumeSession' listener), as there; it also
      // spares each handshake the ticket's encryption.
      secureOptions: tlsConstants.SSL_OP_NO_TICKET,
    },
    (socket: TLSSocket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      authenticateDevice(ctx, socket, opts.onUnregistered)
        .then((result) => {
          if (socket.destroyed) return;
          if (!result.ok) {
            log(`TLS connection from ${socket.remoteAddress} refused: ${result.reason}`);
            socket.destroy();
            return;
          }
          admit(socket, result.session);
        })
        .catch((err: unknown) => {
          log(`authentication failed: ${err instanceof Error ? err.message : String(err)}`);
          socket.destroy();
        });
    },
  );
  tlsServer.on('tlsClientError', () => {});
  tlsServer.on('connection', (socket: Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve, reject) => {
    tlsServer.once('error', reject);
    tlsServer.listen(opts.port, opts.host, () => {
      tlsServer.off('error', reject);
      resolve();
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_WEBSOCKET_MESSAGE,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  const webSockets = new Set<Duplex>();

  return {
    port: (tlsServer.address() as AddressInfo).port,
    attachWebSocket(server) {
      const hosts = answeredHosts(ctx.config);
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        // A foreign Host or a browser page (Origin, Sec-Fetch-Site) is refused as on the API (http/request-guard.ts).
        const refusal = browserRefusal(req.headers, hosts);
        if (refusal) {
          log(`WebSocket refused: ${refusal.message}`);
          socket.end(upgradeRefusal(refusal));
          return;
        }
        const url = new URL(req.url ?? '/', 'http://emulator');
        if (url.pathname !== '/mqtt') {
          socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
          return;
        }
        const check = verifyPresignedUrl({
          method: 'GET',
          path: '/mqtt',
          query: url.searchParams,
          host: req.headers.host ?? '',
          credentials: ctx.config.credentials,
          region: ctx.config.region,
        });
        if (!check.ok) {
          log(`WebSocket refused: ${check.reason}`);
          socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${check.reason}\n`);
          return;
        }
        (socket as Socket).setNoDelay?.(true);
        wss.handleUpgrade(req, socket, head, (ws) => {
          const stream = createWebSocketStream(ws);
          webSockets.add(stream);
          stream.on('close', () => webSockets.delete(stream));
          stream.on('error', () => {});
          admit(
            stream,
            {
              kind: 'iam',
              accessKeyId: ctx.config.credentials.accessKeyId,
              sessionIdentifier: crypto.randomUUID(),
              sourceIp: req.socket.remoteAddress,
            },
            req,
          );
        });
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      for (const s of webSockets) s.destroy();
      await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
      wss.close();
    },
  };
}
