import 'server-only';

import { randomBytes } from 'node:crypto';

/**
 * Trusted-user claims handed to an installer's app by QR code.
 *
 * What goes in the QR code, and why: a CreateProvisioningClaim answer (an RSA-2048 key and its certificate) does
 * not fit in a QR code a phone can read, and a QR code on a screen can be photographed by anyone in the room, so
 * it must not be the credential itself. It holds a short JSON (endpoint, template, expiry) and a link to
 * download the claim bundle once: `/api/provisioning/claims/<token>`, where the token is 128 random bits. The
 * link alone is worth nothing: the route asks for an admin session like every other (the installer's app signs
 * in as the trusted user), serves the bundle to the first such request only, and forgets it when the claim's
 * five minutes are over. The bundle lives in this process's memory only (never on disk, never logged), so a
 * link works on the dashboard instance that made it.
 */

interface Handoff {
  templateName: string;
  certificateId: string;
  fileName: string;
  zip: Uint8Array;
  expiresAt: number;
}

// One table per process: Next bundles the server action that offers a bundle and the route that serves it
// separately, each with its own copy of this module, so the table hangs off globalThis.
const TABLE = Symbol.for('iot-dashboard.claim-handoffs');
const handoffs: Map<string, Handoff> = ((globalThis as { [TABLE]?: Map<string, Handoff> })[TABLE] ??= new Map());

function sweep(now: number) {
  for (const [token, h] of handoffs) if (h.expiresAt <= now) handoffs.delete(token);
}

/** Keeps a claim bundle for one download until `expiresAt`; answers the token for its link. */
export function offerClaimBundle(handoff: Handoff): string {
  sweep(Date.now());
  const token = randomBytes(16).toString('base64url');
  handoffs.set(token, handoff);
  return token;
}

/** The claim bundle for `token`, taken (a second request finds nothing), or undefined when gone or expired. */
export function takeClaimBundle(token: string, now = Date.now()): Handoff | undefined {
  sweep(now);
  const handoff = handoffs.get(token);
  handoffs.delete(token);
  return handoff;
}

/** The route a token's bundle is downloaded from. */
export const claimHandoffPath = (token: string) => `/api/provisioning/claims/${encodeURIComponent(token)}`;

export const HANDOFF_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;
