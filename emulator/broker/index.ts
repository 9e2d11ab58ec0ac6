import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type Client, type Connection, type Subscription } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { EmulatorContext } from '../context';
import type { CertificateRecord } from '../store/records';
import { authenticateDevice, type UnregisteredCertificateHandler } from './authentication';
import { authorize, type Session } from './authorization';
import type { BrokerBus } from './bus-impl';
import { connectedEvent, disconnectedEvent, presenceTopic, subscriptionEvent, subscriptionTopic } from './events';
import {
  clientIdProblem,
  isPublishableReservedTopic,
  MAX_FILTERS_PER_SUBSCRIBE,
  MAX_PAYLOAD_BYTES,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  topicFilterProblem,
  topicNameProblem,
} from '../../lib/mqtt/topics';
import type { ServerIdentity } from './server-identity';
import { verifyPresignedUrl } from './sigv4';

/**
 * The local IoT Core's message broker: aedes behind mutual TLS (devices) and SigV4-signed WebSocket
 * (the dashboard), with AWS IoT's policy checks on CONNECT, PUBLISH, SUBSCRIBE and every delivery,
 * AWS's limits, lifecycle events, and live cut-off when a certificate stops being ACTIVE.
 */
export interface Broker {
  port: number;
  /** Serves MQTT over WebSocket at `/mqtt` on the emulator's HTTP server. */
  attachWebSocket(server: HttpServer): void;
  /** Connected sessions by client id (for tests and the connection check). */
  connectedClientIds(): string[];
  close(): Promise<void>;
}

interface BrokerOptions {
  host: string;
  port: number;
  identity: ServerIdentity;
  bus: BrokerBus;
  onUnregistered: UnregisteredCertificateHandler;
}

class RefusedError extends Error {}

/** A SUBSCRIBE with more filters than AWS accepts; marked by the packet hook, refused per filter. */
const TOO_MANY_FILTERS = Symbol('too-many-filters');

export async function startBroker(ctx: EmulatorContext, opts: BrokerOptions): Promise<Broker> {
  const sessions = new WeakMap<Connection, Session>();
  const versions = new Map<string, number>();
  const sessionOf = (client: Client | null): Session | undefined => (client ? sessions.get(client.conn) : undefined);
  const log = (line: string) => ctx.config.log(`[broker] ${line}`);

  const aedes: Aedes = await Aedes.createBroker({
    // AWS IoT supports QoS 0 and 1 only; keepalive is capped at 1200 s.
    keepaliveLimit: 1200,
    maxClientsIdLength: 128,
    preConnect(client, packet, done) {
      const session = sessionOf(client);
      const clientId = packet.clientId ?? '';
      const problem = clientIdProblem(clientId);
      if (!session || problem) return done(new RefusedError(problem ?? 'unauthenticated'), false);
      // The client id is part of what the policy sees (${iot:ClientId}, the thing variables).
      session.clientId = clientId;
      const decision = authorize(ctx, session, 'iot:Connect', 'client', clientId);
      if (!decision.allowed) {
        log(`CONNECT refused for client ${clientId}: not allowed by policy (${decision.reason})`);
        return done(new RefusedError('not authorized'), false);
      }
      // One connection per client id: the new one wins and the old one is told why it went.
      const existing = (aedes as unknown as { clients: Record<string, Client> }).clients[clientId];
      const old = existing && sessionOf(existing);
      if (old) old.disconnectReason = 'DUPLICATE_CLIENTID';
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      const session = sessionOf(client);
      if (!session || !client) return done(new RefusedError('unauthenticated'));
      const refuse = (why: string) => {
        log(`PUBLISH by ${session.clientId} to ${packet.topic} refused: ${why}`);
        session.disconnectReason = 'AUTH_ERROR';
        done(new RefusedError(why));
      };
      if (!stillActive(session)) return refuse('the certificate is no longer ACTIVE');
      if (packet.qos === 2) return refuse('QoS 2 is not supported');
      const payloadBytes = Buffer.isBuffer(packet.payload)
        ? packet.payload.length
        : Buffer.byteLength(packet.payload ?? '');
      if (payloadBytes > MAX_PAYLOAD_BYTES)
        return refuse(`payload of ${payloadBytes} bytes is over ${MAX_PAYLOAD_BYTES}`);
      const topicProblem = topicNameProblem(packet.topic);
      if (topicProblem) return refuse(topicProblem);
      if (!isPublishableReservedTopic(packet.topic)) return refuse('reserved topic');
      const decision = authorize(ctx, session, 'iot:Publish', 'topic', packet.topic);
      if (!decision.allowed) return refuse(`iot:Publish not allowed (${decision.reason})`);
      if (packet.retain && !authorize(ctx, session, 'iot:RetainPublish', 'topic', packet.topic).allowed) {
        return refuse('iot:RetainPublish not allowed');
      }
      done(null);
    },
    authorizeSubscribe(client, sub, done) {
      const session = sessionOf(client);
      const refuse = (why: string) => {
        log(`SUBSCRIBE by ${session?.clientId} to ${sub.topic} refused: ${why}`);
        done(null, null); // SUBACK 0x80 for this filter
      };
      if (!session) return refuse('unauthenticated');
      if ((sub as Subscription & { [TOO_MANY_FILTERS]?: true })[TOO_MANY_FILTERS]) {
        return refuse(`more than ${MAX_FILTERS_PER_SUBSCRIBE} filters in one SUBSCRIBE`);
      }
      const problem = topicFilterProblem(sub.topic);
      if (problem) return refuse(problem);
      if (
        Object.keys((client as unknown as { subscriptions?: object }).subscriptions ?? {}).length >=
        MAX_SUBSCRIPTIONS_PER_CONNECTION
      ) {
        return refuse(`more than ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions on one connection`);
      }
      if (!stillActive(session)) return refuse('the certificate is no longer ACTIVE');
      const decision = authorize(ctx, session, 'iot:Subscribe', 'topicfilter', sub.topic);
      if (!decision.allowed) return refuse(`iot:Subscribe not allowed (${decision.reason})`);
      done(null, { ...sub, qos: Math.min(sub.qos, 1) as 0 | 1 });
    },
    authorizeForward(client, packet) {
      const session = sessionOf(client);
      if (!session) return null;
      return authorize(ctx, session, 'iot:Receive', 'topic', packet.topic).allowed ? packet : null;
    },
  });

  const stillActive = (session: Session) =>
    session.kind === 'iam' || ctx.store.c.certificates.get(session.certificateId)?.status === 'ACTIVE';

  opts.bus.attach(aedes);
  await seedRetained(ctx, aedes);

  aedes.on('publish', (packet, client) => {
    if (packet.topic.startsWith('$SYS/')) return;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload ?? '');
    if (packet.retain) mirrorRetained(ctx, packet.topic, payload, packet.qos === 1 ? 1 : 0);
    opts.bus.emit({
      topic: packet.topic,
      payload,
      qos: packet.qos === 1 ? 1 : 0,
      retain: Boolean(packet.retain),
      clientId: client?.id,
    });
  });

  const nextVersion = (clientId: string) => {
    const v = (versions.get(clientId) ?? 0) + 1;
    versions.set(clientId, v);
    return v;
  };
  const eventBase = (client: Client, session: Session) => ({
    clientId: client.id,
    timestamp: ctx.now(),
    sessionIdentifier: session.sessionIdentifier,
    principalIdentifier: session.kind === 'device' ? session.certificateId : session.accessKeyId,
  });
  const publishEvent = (topic: string, body: unknown) => {
    opts.bus.publish(topic, JSON.stringify(body), { qos: 1 }).catch(() => {});
  };

  // 'client' fires when the connection is registered (authenticated, before CONNACK), so a client that
  // disconnects at once still has its connected event published before the disconnected one.
  aedes.on('client', (client) => {
    const session = sessionOf(client);
    if (!session) return;
    publishEvent(
      presenceTopic('connected', client.id),
      connectedEvent({ ...eventBase(client, session), versionNumber: nextVersion(client.id) }, session.sourceIp),
    );
  });
  aedes.on('keepaliveTimeout', (client) => {
    const session = sessionOf(client);
    if (session) session.disconnectReason ??= 'MQTT_KEEP_ALIVE_TIMEOUT';
  });
  aedes.on('clientDisconnect', (client) => {
    const session = sessionOf(client);
    if (!session) return;
    const clean = (client as unknown as { _disconnected?: boolean })._disconnected;
    const reason = session.disconnectReason ?? (clean ? 'CLIENT_INITIATED_DISCONNECT' : 'CONNECTION_LOST');
    publishEvent(
      presenceTopic('disconnected', client.id),
      disconnectedEvent({ ...eventBase(client, session), versionNumber: nextVersion(client.id) }, reason),
    );
  });
  aedes.on('subscribe', (subscriptions, client) => {
    const session = sessionOf(client);
    const granted = subscriptions.filter((s) => (s.qos as number) !== 128).map((s) => s.topic);
    if (session && granted.length) {
      publishEvent(
        subscriptionTopic('subscribed', client.id),
        subscriptionEvent('subscribed', eventBase(client, session), granted),
      );
    }
  });
  aedes.on('unsubscribe', (topics, client) => {
    const session = sessionOf(client);
    // aedes unsubscribes everything when a connection closes; AWS reports only the client's own UNSUBSCRIBE.
    if (session && client.connected && topics.length) {
      publishEvent(
        subscriptionTopic('unsubscribed', client.id),
        subscriptionEvent('unsubscribed', eventBase(client, session), topics),
      );
    }
  });

  /** Hands an authenticated stream to aedes, with the packet hook that enforces the per-SUBSCRIBE filter limit. */
  const admit = (conn: Duplex, session: Session, req?: IncomingMessage) => {
    sessions.set(conn as Connection, session);
    const client = aedes.handle(conn as Connection, req);
    const parser = (client as unknown as { _parser: NodeJS.EventEmitter })._parser;
    parser.prependListener('packet', (packet: { cmd: string; subscriptions?: Subscription[] }) => {
      if (packet.cmd === 'subscribe' && (packet.subscriptions?.length ?? 0) > MAX_FILTERS_PER_SUBSCRIBE) {
        for (const sub of packet.subscriptions!)
          (sub as Subscription & { [TOO_MANY_FILTERS]?: true })[TOO_MANY_FILTERS] = true;
      }
    });
  };

  // Devices: mutual TLS. Node completes the handshake with any client certificate; the registry decides
  // right after, and an unknown or inactive certificate's connection is closed before any MQTT is read.
  const sockets = new Set<Socket>();
  const tlsServer: TlsServer = createTlsServer(
    {
      key: opts.identity.key,
      cert: opts.identity.cert,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
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
  await new Promise<void>((resolve, reject) => {
    tlsServer.once('error', reject);
    tlsServer.listen(opts.port, opts.host, () => {
      tlsServer.off('error', reject);
      resolve();
    });
  });

  // Live revocation: a certificate leaving ACTIVE cuts off the connections that use it, as on AWS.
  const unsubscribeStore = ctx.store.onCommit((mutations) => {
    for (const [collection, , value] of mutations) {
      if (collection !== 'certificates') continue;
      const cert = value as CertificateRecord | undefined;
      if (cert && cert.status === 'ACTIVE') continue;
      const certificateId = cert?.certificateId;
      for (const client of Object.values((aedes as unknown as { clients: Record<string, Client> }).clients)) {
        const session = sessionOf(client);
        if (session?.kind === 'device' && (certificateId === undefined || session.certificateId === certificateId)) {
          if (!stillActive(session)) {
            session.disconnectReason = 'AUTH_ERROR';
            client.close();
          }
        }
      }
    }
  });

  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  const webSockets = new Set<Duplex>();

  return {
    port: (tlsServer.address() as AddressInfo).port,
    attachWebSocket(server) {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
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
    connectedClientIds: () =>
      Object.values((aedes as unknown as { clients: Record<string, Client> }).clients)
        .filter((c) => c.connected)
        .map((c) => c.id),
    async close() {
      unsubscribeStore();
      for (const s of sockets) s.destroy();
      for (const s of webSockets) s.destroy();
      await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      wss.close();
    },
  };
}

/** Retained messages live in the store (durable, and what GetRetainedMessage reads); aedes mirrors them. */
function mirrorRetained(ctx: EmulatorContext, topic: string, payload: Buffer, qos: 0 | 1) {
  ctx.store.commit((tx) =>
    payload.length === 0
      ? tx.delete('retained', topic)
      : tx.put('retained', topic, { topic, payload: payload.toString('base64'), qos, lastModifiedTime: ctx.now() }),
  );
}

async function seedRetained(ctx: EmulatorContext, aedes: Aedes) {
  const persistence = (aedes as unknown as { persistence: { storeRetained(p: unknown): Promise<void> } }).persistence;
  for (const r of ctx.store.c.retained.values()) {
    await persistence.storeRetained({
      cmd: 'publish',
      topic: r.topic,
      payload: Buffer.from(r.payload, 'base64'),
      qos: r.qos,
      retain: true,
      dup: false,
    });
  }
}
