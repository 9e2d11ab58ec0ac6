import cbor from 'cbor';
import type { ProvisioningPayloadFormat } from '../../../lib/mqtt/reserved-topics';
import { ProvisioningRejection } from '../../iot/fleet-provisioning';

/**
 * Fleet provisioning payloads in the topic's format: JSON, or CBOR (RFC 8949, through the maintained `cbor`
 * package) for constrained devices. A request is a map (CreateKeysAndCertificate's may be empty); anything else
 * is InvalidPayload.
 */

export function decodeRequest(format: ProvisioningPayloadFormat, payload: Buffer): Record<string, unknown> {
  if (payload.length === 0) return {};
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(payload.toString('utf8')) : cbor.decodeFirstSync(payload);
  } catch {
    throw new ProvisioningRejection('InvalidPayload', `The request payload is not valid ${format.toUpperCase()}.`);
  }
  if (value instanceof Map) value = Object.fromEntries(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProvisioningRejection('InvalidPayload', `The request payload must be a ${format.toUpperCase()} map.`);
  }
  return value as Record<string, unknown>;
}

export function encodeAnswer(format: ProvisioningPayloadFormat, body: object): Buffer {
  return format === 'json' ? Buffer.from(JSON.stringify(body)) : cbor.encode(body);
}

/** RegisterThing's `parameters`: optional, a map of strings. */
export function readParameters(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const entries =
    value instanceof Map ? [...value.entries()] : typeof value === 'object' ? Object.entries(value) : undefined;
  if (!entries || Array.isArray(value)) {
    throw new ProvisioningRejection('InvalidPayload', 'parameters must be a map of names to string values.');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof k !== 'string' || typeof v !== 'string') {
      throw new ProvisioningRejection('InvalidPayload', `parameters.${String(k)} must be a string.`);
    }
    // defineProperty: a parameter named __proto__ is data, never the prototype.
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
