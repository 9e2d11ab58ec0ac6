/**
 * The stateful Device Shadow service: the pure logic of ./document.ts applied to the store, with the MQTT
 * responses published through the message bus. Both doors lead here: the HTTP API (GetThingShadow,
 * UpdateThingShadow, DeleteThingShadow, ListNamedShadowsForThing in http/routes/shadows.ts) and device
 * requests on the reserved topics, heard through `attachShadowTopics`.
 *
 * AWS behaviour implemented (AWS IoT developer guide, "Device Shadow MQTT topics" and "Device Shadow REST API"):
 *  - A request on `$aws/things/{thing}/shadow[/name/{shadow}]/{get,update,delete}` is answered on the same topic
 *    plus `/accepted` or `/rejected`; an accepted update also publishes `/update/delta` (when desired and reported
 *    differ) and `/update/documents`, in that order, after `/update/accepted`.
 *  - An update or delete made over HTTP publishes the same accepted, delta and documents messages; an HTTP GET
 *    publishes nothing, and HTTP errors are answered on HTTP only.
 *  - A shadow may exist for any thing name, registered or not (AWS does not check the registry).
 */
import { parseShadowTopic, type ShadowOperation, shadowTopic, shadowTopicPrefix } from '../../lib/mqtt/reserved-topics';
import { shadowName as shadowNameSchema, thingName as thingNameSchema } from '../../lib/validation/iot-names';
import type { BusListener, BusMessage } from '../broker/bus';
import type { EmulatorContext } from '../context';
import { AwsError } from '../errors';
import { pairKey, type ShadowRecord } from '../store/records';
import {
  applyDelete,
  applyUpdate,
  HTTP_EXCEPTION_BY_CODE,
  isDeletedShadow,
  parseTokenRequest,
  parseUpdateRequest,
  readShadow,
  rejected,
  shadowNotFound,
  type AcceptedDoc,
  type DeleteAcceptedDoc,
  type GetAcceptedDoc,
  type ShadowError,
} from './document';

/** The shadow-name rule the HTTP routes parse with (one definition, in lib/validation/iot-names.ts). */
export { shadowNameSchema };

/** Which shadow: '' is the classic one. */
interface ShadowTarget {
  thingName: string;
  shadowName: string;
}

/** Who asked: an MQTT request is answered on MQTT (accepted or rejected); an HTTP one on HTTP. */
export type ShadowOrigin = 'http' | 'mqtt';

export type ShadowOutcome<T> = { ok: true; doc: T } | { ok: false; error: ShadowError; clientToken?: string };

/**
 * Choice: responses go out at QoS 1, so a subscriber at QoS 1 gets them at least once (delivery is at the lower
 * of this and the subscription's QoS).
 */
const RESPONSE_QOS = 1;

/**
 * A device request topic the service answers: exactly `.../get`, `.../update` or `.../delete` under a shadow prefix
 * (lib/mqtt/reserved-topics.ts), with a valid thing name and (for a named shadow) a valid shadow name; '' is the
 * classic shadow. Response topics (`/accepted`, `/rejected`, `/delta`, `/documents`) and anything else give undefined.
 */
export function parseShadowRequest(
  topic: string,
): { thingName: string; shadowName: string; operation: ShadowOperation } | undefined {
  const parsed = parseShadowTopic(topic);
  if (parsed?.kind !== 'request') return undefined;
  const { thingName, shadowName = '', operation } = parsed;
  if (shadowName && !shadowNameSchema.safeParse(shadowName).success) return undefined;
  if (!thingNameSchema.safeParse(thingName).success) return undefined;
  return { thingName, shadowName, operation };
}

/** The data-plane exception an HTTP request answers a shadow error with (409 is ConflictException, ...). */
export function shadowHttpError(error: ShadowError): AwsError {
  return new AwsError(HTTP_EXCEPTION_BY_CODE[error.code] ?? 'InternalFailureException', error.code, error.message);
}

const nowSeconds = (ctx: EmulatorContext) => Math.floor(ctx.now() / 1000);

export class ShadowService {
  /** Per shadow, the tail of its chain of publishes, so that responses of successive requests never interleave. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly ctx: EmulatorContext) {}

  /** GetThingShadow and `/get`. Over MQTT the answer goes to `/get/accepted` or `/get/rejected`. */
  async get(
    thingName: string,
    shadowName: string,
    origin: ShadowOrigin,
    payload: Buffer | string = '',
  ): Promise<ShadowOutcome<GetAcceptedDoc>> {
    const now = nowSeconds(this.ctx);
    const at: ShadowTarget = { thingName, shadowName };
    const req = parseTokenRequest(payload);
    if (!req.ok) return this.reject(at, 'get', origin, req.error, req.clientToken, now);
    const result = readShadow(
      this.stored(thingName, shadowName),
      now,
      shadowNotFound(thingName, shadowName),
      req.clientToken,
    );
    if (!result.ok) return this.reject(at, 'get', origin, result.error, req.clientToken, now);
    if (origin === 'mqtt')
      await this.publish(at, [[shadowTopic(thingName, shadowName, 'get', 'accepted'), result.doc]]);
    return { ok: true, doc: result.doc };
  }

  /**
   * UpdateThingShadow and `/update`. The new shadow is stored before anything is published; then accepted,
   * delta (when there is one) and documents go out, whichever door the request came through.
   */
  async update(
    thingName: string,
    shadowName: string,
    origin: ShadowOrigin,
    payload: Buffer | string,
  ): Promise<ShadowOutcome<AcceptedDoc>> {
    const now = nowSeconds(this.ctx);
    const at: ShadowTarget = { thingName, shadowName };
    const parsed = parseUpdateRequest(payload);
    if (!parsed.ok) return this.reject(at, 'update', origin, parsed.error, parsed.clientToken, now);
    const result = applyUpdate(this.stored(thingName, shadowName), parsed.request, now);
    if (!result.ok) return this.reject(at, 'update', origin, result.error, parsed.request.clientToken, now);
    const record: ShadowRecord = { thingName, shadowName, shadow: result.next };
    this.ctx.store.commit((tx) => tx.put('shadows', pairKey(thingName, shadowName), record));
    const topic = (kind: 'accepted' | 'delta' | 'documents') => shadowTopic(thingName, shadowName, 'update', kind);
    const messages: [string, unknown][] = [[topic('accepted'), result.accepted]];
    if (result.delta) messages.push([topic('delta'), result.delta]);
    messages.push([topic('documents'), result.documents]);
    await this.publish(at, messages);
    return { ok: true, doc: result.accepted };
  }

  /**
   * DeleteThingShadow and `/delete`. A tombstone replaces the shadow so that its version counter survives
   * (a shadow re-created within 48 hours continues from it); `/delete/accepted` goes out either way.
   */
  async delete(
    thingName: string,
    shadowName: string,
    origin: ShadowOrigin,
    payload: Buffer | string = '',
  ): Promise<ShadowOutcome<DeleteAcceptedDoc>> {
    const now = nowSeconds(this.ctx);
    const at: ShadowTarget = { thingName, shadowName };
    const req = parseTokenRequest(payload);
    if (!req.ok) return this.reject(at, 'delete', origin, req.error, req.clientToken, now);
    const result = applyDelete(
      this.stored(thingName, shadowName),
      now,
      shadowNotFound(thingName, shadowName),
      req.clientToken,
    );
    if (!result.ok) return this.reject(at, 'delete', origin, result.error, req.clientToken, now);
    const record: ShadowRecord = { thingName, shadowName, shadow: result.tombstone };
    this.ctx.store.commit((tx) => tx.put('shadows', pairKey(thingName, shadowName), record));
    await this.publish(at, [[shadowTopic(thingName, shadowName, 'delete', 'accepted'), result.accepted]]);
    return { ok: true, doc: result.accepted };
  }

  /** Names of the thing's live named shadows, in code-point order (the classic shadow and deleted ones left out). */
  listNamed(thingName: string): string[] {
    return this.ctx.store.c.shadows
      .findBy('thing', thingName)
      .filter((r) => r.shadowName !== '' && !isDeletedShadow(r.shadow))
      .map((r) => r.shadowName)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Handles one bus message if it is a shadow request; resolves once its responses are published. */
  async handleMessage(msg: BusMessage): Promise<void> {
    const target = parseShadowRequest(msg.topic);
    if (!target) return;
    const { thingName, shadowName, operation } = target;
    if (operation === 'get') await this.get(thingName, shadowName, 'mqtt', msg.payload);
    else if (operation === 'update') await this.update(thingName, shadowName, 'mqtt', msg.payload);
    else await this.delete(thingName, shadowName, 'mqtt', msg.payload);
  }

  private stored(thingName: string, shadowName: string) {
    return this.ctx.store.c.shadows.get(pairKey(thingName, shadowName))?.shadow;
  }

  /**
   * An error: over MQTT it is published on `<request>/rejected` with the request's clientToken; over HTTP the
   * caller turns it into the data-plane exception and nothing is published. The 404 of a get or delete goes
   * without a timestamp, as AWS sends it; other rejections carry one.
   */
  private async reject<T>(
    at: ShadowTarget,
    operation: ShadowOperation,
    origin: ShadowOrigin,
    error: ShadowError,
    clientToken: string | undefined,
    now: number,
  ): Promise<ShadowOutcome<T>> {
    if (origin === 'mqtt') {
      const timestamp = error.code === 404 && operation !== 'update' ? undefined : now;
      await this.publish(at, [
        [shadowTopic(at.thingName, at.shadowName, operation, 'rejected'), rejected(error, { clientToken, timestamp })],
      ]);
    }
    return clientToken === undefined ? { ok: false, error } : { ok: false, error, clientToken };
  }

  /**
   * Publishes the messages in order, after those of earlier requests on the same shadow. A failure to publish
   * (broker closing) is logged, not thrown: the state change it reports is already stored.
   */
  private publish(at: ShadowTarget, messages: [topic: string, doc: unknown][]): Promise<void> {
    const prefix = shadowTopicPrefix(at.thingName, at.shadowName);
    const previous = this.chains.get(prefix) ?? Promise.resolve();
    const next = previous.then(async () => {
      for (const [topic, doc] of messages) {
        try {
          await this.ctx.bus.publish(topic, JSON.stringify(doc), { qos: RESPONSE_QOS, retain: false });
        } catch (err) {
          this.ctx.config.log(
            `shadow: publish to ${topic} failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
    });
    this.chains.set(prefix, next);
    void next.then(() => {
      if (this.chains.get(prefix) === next) this.chains.delete(prefix);
    });
    return next;
  }
}

const services = new WeakMap<EmulatorContext, ShadowService>();

/** The one shadow service of an emulator (created on first use). */
export function shadowService(ctx: EmulatorContext): ShadowService {
  let service = services.get(ctx);
  if (!service) services.set(ctx, (service = new ShadowService(ctx)));
  return service;
}

const attached = new WeakMap<EmulatorContext, () => void>();

/**
 * Makes the shadow service answer device requests: listens on the bus for publishes to the shadow request
 * topics. Call once the broker is up; a second call for the same context changes nothing. Returns the function
 * that stops listening.
 */
export function attachShadowTopics(ctx: EmulatorContext): () => void {
  const existing = attached.get(ctx);
  if (existing) return existing;
  const service = shadowService(ctx);
  const listener: BusListener = (msg) => {
    if (!msg.topic.startsWith('$aws/things/')) return;
    service.handleMessage(msg).catch((err: unknown) => {
      ctx.config.log(
        `shadow: request on ${msg.topic} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    });
  };
  const stopListening = ctx.bus.onMessage(listener, '$aws/things/');
  const detach = () => {
    stopListening();
    if (attached.get(ctx) === detach) attached.delete(ctx);
  };
  attached.set(ctx, detach);
  return detach;
}
