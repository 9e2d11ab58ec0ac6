import { z } from 'zod';
import { isPublishableReservedTopic, MAX_PAYLOAD_BYTES, topicNameProblem } from '../../../lib/mqtt/topics';
import { forbidden, invalidRequest, requestEntityTooLarge } from '../../errors';
import { getRetainedMessage, listRetainedMessages } from '../../iot/retained';
import { pageSize } from '../params';
import { ok, parseInput } from '../request';
import type { Route } from '../router';

/**
 * The message APIs of iot-data: Publish (HTTPS publish into the broker) and the retained-message reads.
 * Retained messages are kept by the broker in the `retained` collection; emulator/iot/retained.ts reads them.
 * Topic and payload limits are the broker's own (broker/limits.ts): a 128 KB payload, a topic of at most
 * 256 bytes and 7 slashes (not counting `$aws/rules/<rule>/`), no wildcards.
 */

const publishQuery = z.object({
  qos: z.enum(['0', '1'], { message: 'Member must be 0 or 1' }).optional(),
  retain: z.enum(['true', 'false'], { message: 'Member must be true or false' }).optional(),
});

const listRetainedQuery = z.object({
  nextToken: z.string().optional(),
  maxResults: pageSize(200).optional(),
});

/** Choice: AWS does not document ListRetainedMessages' default page size; 50 is ours. */
const DEFAULT_RETAINED_PAGE = 50;

export const messagesRoutes: Route[] = [
  {
    method: 'POST',
    path: '/topics/{topic+}',
    operation: 'Publish',
    handler: async (req, ctx) => {
      const topic = req.params.topic ?? '';
      const problem = topicNameProblem(topic);
      if (problem) throw invalidRequest(problem);
      // The reserved `$aws/` space is closed to publishers except for its request topics (shadow, jobs, rules...),
      // as for a device. Choice: 403 ForbiddenException, what AWS's data plane answers a publish it does not allow.
      if (!isPublishableReservedTopic(topic)) throw forbidden('Forbidden');
      const q = parseInput(publishQuery, {
        qos: req.query.get('qos') ?? undefined,
        retain: req.query.get('retain') ?? undefined,
      });
      if (req.body.length > MAX_PAYLOAD_BYTES) {
        throw requestEntityTooLarge(`The payload exceeds the maximum size allowed (${MAX_PAYLOAD_BYTES} bytes).`);
      }
      // Publish goes through the broker like a device's PUBLISH: subscribers, retained store, the shadow service.
      await ctx.bus.publish(topic, req.body, { qos: q.qos === '1' ? 1 : 0, retain: q.retain === 'true' });
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/retainedMessage/{topic+}',
    operation: 'GetRetainedMessage',
    handler: (req, ctx) => {
      const record = getRetainedMessage(ctx, req.params.topic ?? '');
      // `payload` is a blob in a JSON body: base64, as the record already holds it.
      return ok({
        topic: record.topic,
        payload: record.payload,
        qos: record.qos,
        lastModifiedTime: record.lastModifiedTime,
      });
    },
  },
  {
    method: 'GET',
    path: '/retainedMessage',
    operation: 'ListRetainedMessages',
    handler: (req, ctx) => {
      const q = parseInput(listRetainedQuery, req.queryObject());
      const page = listRetainedMessages(ctx, { token: q.nextToken, limit: q.maxResults ?? DEFAULT_RETAINED_PAGE });
      return ok({
        retainedTopics: page.items.map((r) => ({
          topic: r.topic,
          payloadSize: Buffer.from(r.payload, 'base64').length,
          qos: r.qos,
          lastModifiedTime: r.lastModifiedTime,
        })),
        nextToken: page.next,
      });
    },
  },
];
