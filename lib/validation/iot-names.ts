import { z } from 'zod';

/**
 * AWS IoT's own limits on names and identifiers, shared by the dashboard's forms and actions and the
 * emulator's request parsing so both refuse the same input with the same reason.
 */

/** Thing, thing type and thing group names: 1-128 of `[a-zA-Z0-9:_-]`. */
export const thingName = z
  .string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(128, 'Member must have length less than or equal to 128')
  .regex(/^[a-zA-Z0-9:_-]+$/, 'Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+');

/** Named shadow names: 1-64 of `[$a-zA-Z0-9:_-]` (the data-plane model's ShadowName). */
export const shadowName = z
  .string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(64, 'Member must have length less than or equal to 64')
  .regex(/^[$a-zA-Z0-9:_-]+$/, 'Member must satisfy regular expression pattern: [$a-zA-Z0-9:_-]+');

export const thingTypeName = thingName;
export const thingGroupName = thingName;

/** Policy names: 1-128 of `[\w+=,.@-]`. */
export const policyName = z
  .string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(128, 'Member must have length less than or equal to 128')
  .regex(/^[\w+=,.@-]+$/, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');

/** Certificate ids are the lowercase hex SHA-256 of the certificate's DER. */
export const certificateId = z
  .string()
  .regex(/^(0x)?[a-fA-F0-9]{64}$/, 'Member must satisfy regular expression pattern: (0x)?[a-fA-F0-9]+ of length 64');

/** Attribute names: up to 128 of `[a-zA-Z0-9_.,@/:#-]`. */
export const attributeName = z
  .string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(128, 'Member must have length less than or equal to 128')
  .regex(/^[a-zA-Z0-9_.,@/:#-]+$/, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.,@/:#-]+');

/** Attribute values: up to 800 of `[a-zA-Z0-9_.,@/:#=\[\]-]` (empty clears the attribute on update). */
export const attributeValue = z
  .string()
  .max(800, 'Member must have length less than or equal to 800')
  .regex(/^[a-zA-Z0-9_.,@/:#=[\]-]*$/, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.,@/:#=\\[\\]-]*');

export const attributes = z.record(attributeName, attributeValue);

/** Without a thing type a thing holds 3 attributes; with one, 50. */
export const MAX_ATTRIBUTES_WITHOUT_TYPE = 3;
export const MAX_ATTRIBUTES_WITH_TYPE = 50;

/** Policy documents: at most 2,048 characters not counting white space. */
export const MAX_POLICY_DOCUMENT_CHARS = 2048;
export const policyDocumentSize = (doc: string) => doc.replace(/\s/g, '').length;

/** Provisioning template names: 1-36 of `[0-9A-Za-z_-]`. */
export const provisioningTemplateName = z
  .string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(36, 'Member must have length less than or equal to 36')
  .regex(/^[0-9A-Za-z_-]+$/, 'Member must satisfy regular expression pattern: ^[0-9A-Za-z_-]+$');

/** A provisioning template body: at most 10,240 characters (AWS's TemplateBody). */
export const MAX_PROVISIONING_TEMPLATE_BODY_CHARS = 10240;
