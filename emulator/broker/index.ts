import type { IncomingMessage, Server as HttpServer } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { Aedes, type Client, type Connection, type Subscription } from 'aedes';
import type { EmulatorContext } from '../context';
import type { CertificateRecord } from '../store/records';
import { presenceTopic, subscriptionEventTopic } from '../../lib/mqtt/reserved-topics';
import { MAX_FILTERS_PER_SUBSCRIBE } from '../../lib/mqtt/topics';
import type { UnregisteredCertificateHandler } from './authentication';
import { AuthorizationEpoch, principalActive, type Session } from './authorization';
import { claimCutOff, deliverToConnection } from './direct';
import type { BrokerBus } from './bus-impl';
import { deliverQoS0Through } from './delivery';
import { connectedEvent, disconnectedEvent, LifecycleEvents, subscriptionEvent } from './events';
import { brokerHooks, TOO_MANY_FILTERS } from './hooks';
import { KEEP_ALIVE_MAX_S, MAXIMUM_PACKET_SIZE, RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM } from './limits';
import { type Markable, markMalformedFilter, markMalformedPublish } from './malformed';
import { type MqttParser, readPublishInPlace } from './publish-parser';
import type { ServerIdentity } from './server-identity';
import { SessionExpiry } from './session-expiry';
import { SessionJournal } from './session-journal';
import { SharedSubscriptions, toExternal, toInternal } from './shared-subscriptions';
import { rememberTopicMatches } from './topic-matches';
import { startTransports } from './transports';
import { installWireAdjustments, type RefusableSubscription, trackSubscribe, useOutbox } from './wire';

/**
 * The local IoT Core's message broker: aedes (its MQTT 5 line) behind mutual TLS (devices) and
 * SigV4-signed WebSocket (the dashboard), speaking MQTT 3.1.1 and MQTT 5 with AWS IoT's limits and
 * reason codes, AWS IoT's policy checks on CONNECT, PUBLISH, SUBSCRIBE and every delivery, shared
 * subscriptions, persistent sessions that survive a restart, lifecycle events, and live cut-off when a
 * certificate stops being ACTIVE.
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
  /** The account's persistent-session expiry in seconds (AWS: 1 hour by default, 7 days at most). */
  sessionExpirySeconds: number;
}

export async function startBroker(ctx: EmulatorContext, opts: BrokerOptions): Promise<Broker> {
  const sessions = new WeakMap<Connection, Session>();
  const versions = new Map<string, number>();
  const sessionOf = (client: Client | null): Session | undefined => (client ? sessions.get(client.conn) : undefined);
  const log = (line: string) => ctx.config.log(`[broker] ${line}`);
  const epoch = new AuthorizationEpoch(ctx);
  installWireAdjustments(opts.sessionExpirySeconds);

  let aedesRef: Aedes | undefined;
  const clients = () => (aedesRef as unknown as { clients: Record<string, Client> }).clients;
  let shared: SharedSubscriptions | undefined;
  const hooks = brokerHooks({
    ctx,
    epoch,
    get shared() {
      return shared!;
    },
    sessionOf,
    clients,
    log,
  });
  const aedes: Aedes = await Aedes.createBroker({
    ...hooks,
    // No cap on messages in flight inside aedes's emitter. Past a cap it queues them, and when the queue
    // drains through messages nobody is subscribed to, each finishes synchronously inside the previous
    // one: a flood's backlog then overflowed the stack (RangeError in mqemitter) and took the emulator
    // down. What is in flight stays bounded without it: aedes reads a connection's next bytes only once
    // every message of its previous read was delivered, and a subscriber that stops reading is cut off
    // after aedes's drain timeout.
    concurrency: 0,
    keepaliveLimit: KEEP_ALIVE_MAX_S,
    maxClientsIdLength: 128,
    topicAliasMaximum: TOPIC_ALIAS_MAXIMUM,
    receiveMaximum: RECEIVE_MAXIMUM,
    maximumPacketSize: MAXIMUM_PACKET_SIZE,
    sessionExpiryIntervalLimit: opts.sessionExpirySeconds,
  });
  aedesRef = aedes;
  rememberTopicMatches(aedes);
  shared = new SharedSubscriptions(aedes);
  const journal = new SessionJournal(
    ctx.config.dataDir ? path.join(ctx.config.dataDir, 'broker', 'sessions.jsonl') : null,
  );
  await journal.attach(aedes);
  const expiry = new SessionExpiry(aedes, journal, () => Date.now());

  opts.bus.attach(aedes, (to, packet) => deliverToConnection(clients(), sessionOf, to, packet));
  await seedRetained(ctx, aedes);

  aedes.on('publish', (packet, client) => {
    const topic = packet.topic;
    if (topic.startsWith('$SYS/')) return;
    const heard = opts.bus.wants(topic);
    if (!heard && !packet.retain) return;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload ?? '');
    if (packet.retain) mirrorRetained(ctx, topic, payload, packet.qos === 1 ? 1 : 0);
    if (heard) {
      // Only the reserved-topic services (fleet provisioning) answer a connection: ordinary traffic skips this.
      const session = topic.startsWith('$aws/') ? sessionOf(client) : undefined;
      opts.bus.emit({
        topic,
        payload,
        qos: packet.qos === 1 ? 1 : 0,
        retain: Boolean(packet.retain),
        clientId: client?.id,
        connection:
          client && session
            ? {
                clientId: client.id,
                sessionIdentifier: session.sessionIdentifier,
                certificateId: session.kind === 'device' ? session.certificateId : undefined,
              }
            : undefined,
      });
    }
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
  const lifecycle = new LifecycleEvents((topic, payload) => {
    opts.bus.publish(topic, payload, { qos: 1 }).catch(() => {});
  });
  const publishEvent = (topic: string, body: unknown) => lifecycle.push(topic, body);

  // 'client' fires when the connection is registered (authenticated, before CONNACK), so a client that
  // disconnects at once still has its connected event before the disconnected one (LifecycleEvents keeps
  // their order and publishes them once the CONNACK, or the closed socket, is out).
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
    shared?.leaveAll(client);
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
    const granted = subscriptions.filter((s) => (s.qos as number) < 0x80).map((s) => toExternal(s.topic));
    if (session && granted.length) {
      publishEvent(
        subscriptionEventTopic('subscribed', client.id),
        subscriptionEvent('subscribed', eventBase(client, session), granted),
      );
    }
  });
  aedes.on('unsubscribe', (topics, client) => {
    const session = sessionOf(client);
    // aedes unsubscribes everything when a connection closes; AWS reports only the client's own UNSUBSCRIBE.
    if (session && client.connected && topics.length) {
      for (const t of topics) shared?.leave(client, t);
      publishEvent(
        subscriptionEventTopic('unsubscribed', client.id),
        subscriptionEvent('unsubscribed', eventBase(client, session), topics.map(toExternal)),
      );
    }
  });

  /**
   * Hands an authenticated stream to aedes (its packets written through an outbox, QoS 0 deliveries
   * straight into it: outbox.ts, delivery.ts; MQTT 3.1.1 PUBLISH packets read in place: publish-parser.ts),
   * with a hook on each decoded packet before aedes acts on it:
   * the per-SUBSCRIBE filter limit, QoS 2 filters granted QoS 1, shared-subscription filters renamed, and
   * (MQTT 5) the SUBSCRIBE remembered so its SUBACK can carry AWS's reason codes.
   */
  const admit = (conn: Duplex, session: Session, req?: IncomingMessage) => {
    sessions.set(conn as Connection, session);
    const outbox = useOutbox(conn);
    const client = aedes.handle(conn as Connection, req);
    claimCutOff(ctx, client, session, log);
    deliverQoS0Through(outbox, client, aedes);
    const parser = (client as unknown as { _parser: NodeJS.EventEmitter })._parser;
    readPublishInPlace(parser as unknown as MqttParser);
    parser.prependListener('packet', (packet: { cmd: string; messageId?: number } & Record<string, unknown>) => {
      if (packet.cmd === 'publish') {
        markMalformedPublish(packet as unknown as Markable);
      } else if (packet.cmd === 'subscribe') {
        const subs = packet.subscriptions as (Subscription & RefusableSubscription)[];
        const tooMany = subs.length > MAX_FILTERS_PER_SUBSCRIBE;
        for (const [i, sub] of subs.entries()) {
          markMalformedFilter(sub, i);
          if (tooMany) (sub as Subscription & { [TOO_MANY_FILTERS]?: true })[TOO_MANY_FILTERS] = true;
          if (sub.qos > 1) sub.qos = 1;
          sub.topic = toInternal(sub.topic);
        }
        if ((client as unknown as { version?: number }).version === 5) {
          trackSubscribe(conn, { messageId: packet.messageId, subscriptions: subs });
        }
      } else if (packet.cmd === 'unsubscribe') {
        packet.unsubscriptions = (packet.unsubscriptions as string[]).map(toInternal);
      }
    });
  };

  const transports = await startTransports(ctx, opts, admit, log);

  // Live revocation: a certificate leaving ACTIVE cuts off the connections that use it, as on AWS.
  const unsubscribeStore = ctx.store.onCommit((mutations) => {
    for (const [collection, , value] of mutations) {
      if (collection !== 'certificates') continue;
      const cert = value as CertificateRecord | undefined;
      if (cert && cert.status === 'ACTIVE') continue;
      const certificateId = cert?.certificateId;
      for (const client of Object.values(clients())) {
        const session = sessionOf(client);
        if (session?.kind === 'device' && (certificateId === undefined || session.certificateId === certificateId)) {
          if (!principalActive(ctx, session)) {
            session.disconnectReason = 'AUTH_ERROR';
            client.close();
          }
        }
      }
    }
  });

  return {
    port: transports.port,
    attachWebSocket: (server) => transports.attachWebSocket(server),
    connectedClientIds: () =>
      Object.values(clients())
        .filter((c) => c.connected)
        .map((c) => c.id),
    async close() {
      unsubscribeStore();
      epoch.stop();
      expiry.close();
      await transports.close();
      lifecycle.drain();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      journal.close();
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
