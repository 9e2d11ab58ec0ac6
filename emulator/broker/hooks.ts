import type { AedesOptions, Client, Connection, PublishPacket, Subscription } from 'aedes';
import type { EmulatorContext } from '../context';
import {
  clientIdProblem,
  isPublishableReservedTopic,
  MAX_FILTERS_PER_SUBSCRIBE,
  MAX_PAYLOAD_BYTES,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  topicFilterProblem,
  topicNameProblem,
} from '../../lib/mqtt/topics';
import { type AuthorizationEpoch, authorize, decisionTable, principalActive, type Session } from './authorization';
import { KEEP_ALIVE_MIN_S, MESSAGE_EXPIRY_MAX_S } from './limits';
import { malformedReason } from './malformed';
import { isInternal, parseShared, type SharedSubscriptions, toExternal } from './shared-subscriptions';
import { Reason, REFUSAL, type RefusableSubscription, setPubackReason } from './wire';

/**
 * AWS IoT Core's checks as aedes hooks: iot:Connect on CONNECT, iot:Publish (and iot:RetainPublish) with
 * the topic and payload limits on every PUBLISH, iot:Subscribe with the filter limits on every SUBSCRIBE
 * filter, iot:Receive on every delivery. MQTT 3.1.1 behaves as before: a refused CONNECT is closed without
 * CONNACK, a refused PUBLISH ends the connection, a refused filter gets SUBACK 0x80. MQTT 5 gets AWS's
 * reason codes: CONNACK 0x85 / 0x87, PUBACK 0x87 / 0x90 / 0x97 (the connection stays), SUBACK 0x87 /
 * 0x8F / 0x97.
 *
 * A verdict on a topic (its limits, reserved space and policy decision) is cached per connection in the
 * decision cache, which empties the moment anything a decision reads changes (AuthorizationEpoch). The
 * per-message hooks (PUBLISH, delivery) make no closure and build no string when the verdict is cached.
 */
class RefusedError extends Error {}

/** A SUBSCRIBE with more filters than AWS accepts; marked by the packet hook, refused per filter. */
export const TOO_MANY_FILTERS = Symbol('too-many-filters');
/** The CONNECT of an MQTT 5 client, judged in `authenticate` (which can answer with a reason code). */
const CONNECT = Symbol('connect-packet');

interface Verdict {
  refused: boolean;
  code: number;
  why: string;
}
const ALLOWED: Verdict = { refused: false, code: 0, why: '' };
/** The decision-cache table holding this module's per-topic PUBLISH verdicts. */
const PUBLISH_VERDICTS = 'broker:publish-verdict';

export interface HookDeps {
  ctx: EmulatorContext;
  epoch: AuthorizationEpoch;
  shared: SharedSubscriptions;
  sessionOf(client: Client | null): Session | undefined;
  clients(): Record<string, Client>;
  log(line: string): void;
}

type V5Client = Client & { version?: number; _serverKeepAlive?: number; [CONNECT]?: ConnectPacket };
type ConnectPacket = { clientId?: string; protocolVersion?: number; keepalive?: number };

export function brokerHooks(d: HookDeps): Partial<AedesOptions> {
  const { ctx, epoch, log } = d;
  const stillActive = (session: Session) => principalActive(ctx, session);
  const can = (session: Session, action: string, kind: 'client' | 'topic' | 'topicfilter', name: string) =>
    authorize(ctx, session, action, kind, name, epoch);

  /** Why this CONNECT is refused, with the CONNACK return code aedes maps to AWS's reason code. */
  const judgeConnect = (client: Client, session: Session, packet: ConnectPacket) => {
    const clientId = packet.clientId ?? '';
    const problem = clientIdProblem(clientId);
    if (problem) return { why: problem, returnCode: 2 };
    // The client id is part of what the policy sees (${iot:ClientId}, the thing variables); decisions are
    // cached by action and resource only, so none made before it was known may stay.
    session.clientId = clientId;
    session.decisions = undefined;
    const decision = can(session, 'iot:Connect', 'client', clientId);
    if (!decision.allowed) return { why: `not allowed by policy (${decision.reason})`, returnCode: 5 };
    // One connection per client id: the new one wins and the old one is told why it went.
    const existing = d.clients()[clientId];
    const old = existing && existing !== client ? d.sessionOf(existing) : undefined;
    if (old) old.disconnectReason = 'DUPLICATE_CLIENTID';
    return undefined;
  };

  const topicVerdict = (session: Session, topic: string): Verdict => {
    const cache = decisionTable(session, epoch, PUBLISH_VERDICTS);
    let verdict = cache.get(topic) as Verdict | undefined;
    if (verdict) return verdict;
    const problem = topicNameProblem(topic);
    const decision = problem ? undefined : can(session, 'iot:Publish', 'topic', topic);
    if (!stillActive(session))
      verdict = { refused: true, code: Reason.NotAuthorized, why: 'the certificate is no longer ACTIVE' };
    else if (problem) verdict = { refused: true, code: Reason.TopicNameInvalid, why: problem };
    else if (!isPublishableReservedTopic(topic))
      verdict = { refused: true, code: Reason.NotAuthorized, why: 'reserved topic' };
    else if (decision && !decision.allowed)
      verdict = { refused: true, code: Reason.NotAuthorized, why: `iot:Publish not allowed (${decision.reason})` };
    else verdict = ALLOWED;
    cache.set(topic, verdict);
    return verdict;
  };

  /** Why this PUBLISH is refused (with its MQTT 5 reason code), or undefined when it may go. */
  const publishRefusal = (session: Session, packet: PublishPacket): Verdict | undefined => {
    if (packet.qos === 2) return { refused: true, code: Reason.QosNotSupported, why: 'QoS 2 is not supported' };
    const malformed = malformedReason(packet);
    if (malformed) return { refused: true, code: Reason.TopicNameInvalid, why: malformed };
    const payload = packet.payload;
    const bytes = Buffer.isBuffer(payload) ? payload.length : Buffer.byteLength(payload ?? '');
    if (bytes > MAX_PAYLOAD_BYTES) {
      return {
        refused: true,
        code: Reason.QuotaExceeded,
        why: `payload of ${bytes} bytes is over ${MAX_PAYLOAD_BYTES}`,
      };
    }
    const verdict = topicVerdict(session, packet.topic);
    if (verdict.refused) return verdict;
    if (packet.retain && !can(session, 'iot:RetainPublish', 'topic', packet.topic).allowed) {
      return { refused: true, code: Reason.NotAuthorized, why: 'iot:RetainPublish not allowed' };
    }
    return undefined;
  };

  /** MQTT 5 keeps the connection and answers a QoS 1 PUBLISH with the reason; MQTT 3.1.1 is cut off. */
  const refusePublish = (client: Client, session: Session, packet: PublishPacket, refusal: Verdict) => {
    log(`PUBLISH by ${session.clientId} to ${packet.topic} refused: ${refusal.why}`);
    if ((client as V5Client).version === 5) {
      if (packet.qos === 1) setPubackReason(client.conn, packet.messageId!, refusal.code);
    } else session.disconnectReason = 'AUTH_ERROR';
    return new RefusedError(refusal.why);
  };

  return {
    preConnect(client, packet, done) {
      const session = d.sessionOf(client);
      if (!session) return done(new RefusedError('unauthenticated'), false);
      if (packet.protocolVersion === 5) {
        (client as V5Client)[CONNECT] = packet;
        return done(null, true);
      }
      const refusal = judgeConnect(client, session, packet);
      if (refusal) {
        log(`CONNECT refused for client ${packet.clientId}: ${refusal.why}`);
        return done(new RefusedError('not authorized'), false);
      }
      done(null, true);
    },
    authenticate(client, _username, _password, done) {
      const c = client as V5Client;
      const packet = c[CONNECT];
      const session = d.sessionOf(client);
      if (!packet || !session) return done(null, true); // MQTT 3.1.1: judged in preConnect
      const refusal = judgeConnect(client, session, packet);
      if (refusal) {
        log(`CONNECT (MQTT 5) refused for client ${packet.clientId}: ${refusal.why}`);
        return done(Object.assign(new RefusedError(refusal.why), { returnCode: refusal.returnCode }), false);
      }
      // AWS's keep-alive range: below 30 s the broker answers with a Server Keep Alive of 30 s
      // (0 or above 1200 s, aedes already answers 1200 s).
      if (packet.keepalive && packet.keepalive < KEEP_ALIVE_MIN_S) c._serverKeepAlive = KEEP_ALIVE_MIN_S;
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      const session = d.sessionOf(client);
      if (!session || !client) return done(new RefusedError('unauthenticated'));
      const refusal = publishRefusal(session, packet);
      if (refusal) return done(refusePublish(client, session, packet, refusal));
      const props = (packet as PublishPacket & { properties?: { messageExpiryInterval?: number } }).properties;
      if (props?.messageExpiryInterval && props.messageExpiryInterval > MESSAGE_EXPIRY_MAX_S) {
        props.messageExpiryInterval = MESSAGE_EXPIRY_MAX_S;
      }
      done(null);
    },
    authorizeSubscribe(client, sub, done) {
      const session = d.sessionOf(client);
      const topic = toExternal(sub.topic);
      const refuse = (why: string, code: number) => {
        log(`SUBSCRIBE by ${session?.clientId} to ${topic} refused: ${why}`);
        (sub as RefusableSubscription)[REFUSAL] = code;
        done(null, null); // SUBACK 0x80 (MQTT 3.1.1) or `code` (MQTT 5) for this filter
      };
      if (!session || !client) return refuse('unauthenticated', Reason.NotAuthorized);
      if ((sub as Subscription & { [TOO_MANY_FILTERS]?: true })[TOO_MANY_FILTERS]) {
        return refuse(`more than ${MAX_FILTERS_PER_SUBSCRIBE} filters in one SUBSCRIBE`, Reason.QuotaExceeded);
      }
      const malformed = malformedReason(sub);
      if (malformed) return refuse(malformed, Reason.TopicFilterInvalid);
      if (isInternal(topic)) return refuse('reserved topic filter', Reason.TopicFilterInvalid);
      // aedes announces every client's connect, disconnect and filters on $SYS/ for the brokers of a cluster;
      // AWS IoT has no $SYS topics, so nobody may listen there (+ and # never match a topic that starts with $).
      if (topic === '$SYS' || topic.startsWith('$SYS/'))
        return refuse('there are no $SYS topics', Reason.TopicFilterInvalid);
      const shared = topic === sub.topic ? undefined : parseShared(topic);
      if (topic !== sub.topic && !shared) return refuse('malformed shared subscription', Reason.TopicFilterInvalid);
      const problem = topicFilterProblem(shared ? shared.filter : topic);
      if (problem) return refuse(problem, Reason.TopicFilterInvalid);
      const subscriptions = (client as unknown as { subscriptions: Record<string, unknown> }).subscriptions;
      if (!(sub.topic in subscriptions) && Object.keys(subscriptions).length >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
        return refuse(
          `more than ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions on one connection`,
          Reason.QuotaExceeded,
        );
      }
      if (!stillActive(session)) return refuse('the certificate is no longer ACTIVE', Reason.NotAuthorized);
      // A shared subscription is authorised on its whole filter: topicfilter/$share/{group}/{filter}.
      const decision = can(session, 'iot:Subscribe', 'topicfilter', topic);
      if (!decision.allowed) return refuse(`iot:Subscribe not allowed (${decision.reason})`, Reason.NotAuthorized);
      const qos = Math.min(sub.qos, 1) as 0 | 1;
      if (shared) d.shared.join(client, sub.topic, qos);
      done(null, { ...sub, qos });
    },
    authorizeForward(client, packet) {
      const session = d.sessionOf(client);
      if (!session) return null;
      if (session.kind === 'iam') return packet;
      return can(session, 'iot:Receive', 'topic', packet.topic).allowed ? packet : null;
    },
  };
}

/** The connection a hook's client arrived on. */
export type { Connection };
