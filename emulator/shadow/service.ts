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
import { z } from 'zod';
import { thingName as thingNameSchema } from '../../lib/validation/iot-names';
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

/** Named shadow names: 1-64 of `[$a-zA-Z0-9:_-]` (the data-plane model's ShadowName). */
export const shadowNameSchema = z
  .string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(64, 'Member must have length less than or equal to 64')
  .regex(/^[$a-zA-Z0-9:_-]+$/, 'Member must satisfy regular expression pattern: [$a-zA-Z0-9:_-]+');

export type ShadowOperation = 'get' | 'update' | 'delete';

/** Who asked: an MQTT request is answered on MQTT (accepted or rejected); an HTTP one on HTTP. */
export type ShadowOrigin = 'http' | 'mqtt';

export type ShadowOutcome<T> = { ok: true; doc: T } | { ok: false; error: ShadowError; clientToken?: string };

/**
 * Choice: responses go out at QoS 1, so a subscriber at QoS 1 gets them at least once (delivery is at the lower
 * of this and the subscription's QoS).
 */
const RESPONSE_QOS = 1;

/** `$aws/things/{thing}/shadow` or `$aws/things/{thing}/shadow/name/{shadow}`; '' is the classic shadow. */
export function shadowTopicPrefix(thingName: string, shadowName = ''): string {
  return shadowName ? `$aws/things/${thingName}/shadow/name/${shadowName}` : `$aws/things/${thingName}/shadow`;
}

/**
 * A device request topic: exactly `.../get`, `.../update` or `.../delete` under a shadow prefix, with a valid thing
 * name and (for a named shadow) a valid shadow name. Response topics (`/accepted`, `/rejected`, `/delta`,
 * `/documents`) and anything else give undefined.
 */
export function parseShadowTopic(
  topic: string,
): { thingName: string; shadowName: string; operation: ShadowOperation } | undefined {
  const parts = topic.split('/');
  if (parts[0] !== '$aws' || parts[1] !== 'things' || parts[3] !== 'shadow') return undefined;
  let shadowName = '';
  let op: string | undefined;
  if (parts.length === 5) {
    op = parts[4];
  } else if (parts.length === 7 && parts[4] === 'name') {
    shadowName = parts[5]!;
    op = parts[6];
    if (!shadowNameSchema.safeParse(shadowName).success) return undefined;
  } else {
    return undefined;
  }
  if (op !== 'get' && op !== 'update' && op !== 'delete') return undefined;
  const thingName = parts[2]!;
  if (!thingNameSchema.safeParse(thingName).success) return undefined;
  return { thingName, shadowName, operation: op };
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
    const prefix = shadowTopicPrefix(thingName, shadowName);
    const req = parseTokenRequest(payload);
    if (!req.ok) return this.reject(prefix, 'get', origin, req.error, req.clientToken, now);
    const result = readShadow(
      this.stored(thingName, shadowName),
      now,
      shadowNotFound(thingName, shadowName),
      req.clientToken,
    );
    if (!result.ok) return this.reject(prefix, 'get', origin, result.error, req.clientToken, now);
    if (origin === 'mqtt') await this.publish(prefix, [[`${prefix}/get/accepted`, result.doc]]);
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
    const prefix = shadowTopicPrefix(thingName, shadowName);
    const parsed = parseUpdateRequest(payload);
    if (!parsed.ok) return this.reject(prefix, 'update', origin, parsed.error, parsed.clientToken, now);
    const result = applyUpdate(this.stored(thingName, shadowName), parsed.request, now);
    if (!result.ok) return this.reject(prefix, 'update', origin, result.error, parsed.request.clientToken, now);
    const record: ShadowRecord = { thingName, shadowName, shadow: result.next };
    this.ctx.store.commit((tx) => tx.put('shadows', pairKey(thingName, shadowName), record));
    const messages: [string, unknown][] = [[`${prefix}/update/accepted`, result.accepted]];
    if (result.delta) messages.push([`${prefix}/update/delta`, result.delta]);
    messages.push([`${prefix}/update/documents`, result.documents]);
    await this.publish(prefix, messages);
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
    const prefix = shadowTopicPrefix(thingName, shadowName);
    const req = parseTokenRequest(payload);
    if (!req.ok) return this.reject(prefix, 'delete', origin, req.error, req.clientToken, now);
    const result = applyDelete(
      this.stored(thingName, shadowName),
      now,
      shadowNotFound(thingName, shadowName),
      req.clientToken,
    );
    if (!result.ok) return this.reject(prefix, 'delete', origin, result.error, req.clientToken, now);
    const record: ShadowRecord = { thingName, shadowName, shadow: result.tombstone };
    this.ctx.store.commit((tx) => tx.put('shadows', pairKey(thingName, shadowName), record));
    await this.publish(prefix, [[`${prefix}/delete/accepted`, result.accepted]]);
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
    const target = parseShadowTopic(msg.topic);
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
    prefix: string,
    operation: ShadowOperation,
    origin: ShadowOrigin,
    error: ShadowError,
    clientToken: string | undefined,
    now: number,
  ): Promise<ShadowOutcome<T>> {
    if (origin === 'mqtt') {
      const timestamp = error.code === 404 && operation !== 'update' ? undefined : now;
      await this.publish(prefix, [[`${prefix}/${operation}/rejected`, rejected(error, { clientToken, timestamp })]]);
    }
    return clientToken === undefined ? { ok: false, error } : { ok: false, error, clientToken };
  }

  /**
   * Publishes the messages in order, after those of earlier requests on the same shadow. A failure to publish
   * (broker closing) is logged, not thrown: the state change it reports is already stored.
   */
  private publish(prefix: string, messages: [topic: string, doc: unknown][]): Promise<void> {
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
  const stopListening = ctx.bus.onMessage(listener);
  const detach = () => {
    stopListening();
    if (attached.get(ctx) === detach) attached.delete(ctx);
  };
  attached.set(ctx, detach);
  return detach;
}
