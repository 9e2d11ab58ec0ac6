import { z } from 'zod';

/**
 * Query and body members several operations share, with AWS's validation wording ("Member must ..."), so each
 * is declared once and routes do not borrow them from one another.
 */

/** maxResults / pageSize: 1 to `max`. */
export const pageSize = (max = 250) => z.coerce.number().int().min(1).max(max);

/** A boolean flag in the query string, as the SDK and the CLI write it; absent is false. */
export const queryFlag = z
  .enum(['true', 'false'], { message: "Member must be 'true' or 'false'" })
  .optional()
  .transform((v) => v === 'true');

/** A boolean in the query string whose absence means the operation's default (undefined here). */
export const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/** The marker of the operations that page with `marker` / `nextMarker`. */
export const marker = z
  .string()
  .max(1024, 'Member must have length less than or equal to 1024')
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'Member must satisfy regular expression pattern: [A-Za-z0-9+/]+={0,2}');

/** A PEM-encoded certificate in a request body. */
export const certificatePem = z
  .string({ message: 'Member must not be null' })
  .min(1, 'Member must have length greater than or equal to 1')
  .max(65536, 'Member must have length less than or equal to 65536');

/** Resource tags, as CreateThingType, CreateThingGroup, CreatePolicy and RegisterCACertificate take them. */
export const tags = z
  .array(
    z.object({
      Key: z.string().min(1, 'Member must have length greater than or equal to 1').max(128),
      Value: z.string().max(256).optional(),
    }),
  )
  .max(50);
