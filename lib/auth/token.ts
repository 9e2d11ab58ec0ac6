import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Session tokens: `base64url(payload).base64url(HMAC-SHA256(payload))`. Stateless, so a restart keeps
 * operators signed in while the secret stays the same, and a token cannot be forged or stretched.
 */
export interface SessionPayload {
  /** The signed-in user. */
  u: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

export const SESSION_TTL_SECONDS = 12 * 60 * 60;

const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();

export function signSession(payload: SessionPayload, secret: string): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

export function verifySession(
  token: string | undefined,
  secret: string,
  nowSeconds = Date.now() / 1000,
): SessionPayload | null {
  if (!token) return null;
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionPayload;
    if (typeof payload.u !== 'string' || typeof payload.exp !== 'number' || payload.exp <= nowSeconds) return null;
    return payload;
  } catch {
    return null;
  }
}

/** Compares a typed password with the configured one without leaking its length or content through timing. */
export function passwordMatches(given: string, expected: string, secret: string): boolean {
  return timingSafeEqual(mac(secret, given), mac(secret, expected));
}
