import { describePolicyProblems, parsePolicyDocument, type ParsedPolicy } from '../../lib/validation/policy-document';
import { malformedPolicy } from '../errors';

/**
 * The emulator's side of policy documents: the validation CreatePolicy and CreatePolicyVersion apply
 * (shared with the dashboard through lib/validation/policy-document.ts) and a parse cache for the
 * broker's evaluator, which reads the same few documents on every CONNECT, PUBLISH and SUBSCRIBE.
 */

/** Validates a document as AWS IoT does; a bad one is MalformedPolicyException naming the statement and field. */
export function requireValidPolicyDocument(text: string): ParsedPolicy {
  const result = parsePolicyDocument(text);
  if (!result.ok) throw malformedPolicy(`Policy document is Malformed: ${describePolicyProblems(result.errors)}`);
  return result.policy;
}

const cache = new Map<string, ParsedPolicy>();
const CACHE_LIMIT = 1000;

/**
 * A stored document, parsed. Stored documents were validated when they were created, so a failure here
 * means the store was edited by hand: such a policy allows nothing (undefined).
 */
export function parsedPolicy(text: string): ParsedPolicy | undefined {
  const hit = cache.get(text);
  if (hit) return hit;
  const result = parsePolicyDocument(text);
  if (!result.ok) return undefined;
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, result.policy);
  return result.policy;
}
