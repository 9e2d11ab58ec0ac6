import type { EmulatorContext } from '../context';
import { notFound } from '../errors';
import type { RetainedMessageRecord } from '../store/records';
import { type Page, type PageRequest, paginate } from './paging';

/**
 * Retained messages, as GetRetainedMessage and ListRetainedMessages read them. The broker keeps them in the
 * `retained` collection (an empty retained payload deletes); these only read it.
 */

export function getRetainedMessage(ctx: EmulatorContext, topic: string): RetainedMessageRecord {
  const record = ctx.store.c.retained.get(topic);
  if (!record) throw notFound(`The retained message for topic ${topic} was not found.`);
  return record;
}

/** In topic order. */
export function listRetainedMessages(ctx: EmulatorContext, q: PageRequest): Page<RetainedMessageRecord> {
  const retained = ctx.store.c.retained;
  return paginate(retained.sortedKeys(), (k) => retained.get(k), { token: q.token, limit: q.limit });
}
