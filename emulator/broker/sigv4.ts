import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verification of a SigV4 query-string-presigned WebSocket URL, as AWS IoT's device gateway checks the
 * dashboard's MQTT-over-WebSocket connection (service `iotdevicegateway`). AWS IoT's convention signs the
 * query without the session token and appends `X-Amz-Security-Token` afterwards; generic presigners sign
 * with it. Both are accepted.
 */
export interface PresignCheck {
  ok: boolean;
  reason?: string;
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function verifyPresignedUrl(opts: {
  method: string;
  path: string;
  query: URLSearchParams;
  host: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  service?: string;
  now?: number;
}): PresignCheck {
  const q = opts.query;
  const service = opts.service ?? 'iotdevicegateway';
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256')
    return { ok: false, reason: 'X-Amz-Algorithm must be AWS4-HMAC-SHA256' };
  const credential = q.get('X-Amz-Credential') ?? '';
  const [accessKeyId, date, region, credService, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || credService !== service || terminator !== 'aws4_request') {
    return { ok: false, reason: `X-Amz-Credential must be <key>/<date>/<region>/${service}/aws4_request` };
  }
  if (accessKeyId !== opts.credentials.accessKeyId) return { ok: false, reason: 'Unknown access key' };
  if (region !== opts.region) return { ok: false, reason: `Credential scope region ${region} is not ${opts.region}` };
  const amzDate = q.get('X-Amz-Date') ?? '';
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m || !amzDate.startsWith(date)) return { ok: false, reason: 'X-Amz-Date is missing or malformed' };
  const signedAt = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  const now = opts.now ?? Date.now();
  const expires = Number(q.get('X-Amz-Expires') ?? 0);
  if (signedAt - now > MAX_CLOCK_SKEW_MS) return { ok: false, reason: 'Signature date is in the future' };
  const validFor = expires > 0 ? expires * 1000 : MAX_CLOCK_SKEW_MS;
  if (now - signedAt > validFor + MAX_CLOCK_SKEW_MS) return { ok: false, reason: 'Signature expired' };
  const signedHeaders = q.get('X-Amz-SignedHeaders') ?? '';
  if (signedHeaders !== 'host') return { ok: false, reason: 'Only the host header may be signed' };
  const given = q.get('X-Amz-Signature') ?? '';
  if (!/^[0-9a-f]{64}$/.test(given)) return { ok: false, reason: 'X-Amz-Signature is missing or malformed' };

  const signingKey = ['aws4_request'].reduce(
    (key, part) => hmac(key, part),
    hmac(hmac(hmac(`AWS4${opts.credentials.secretAccessKey}`, date), region), service),
  );
  const scope = `${date}/${region}/${service}/aws4_request`;
  const signatureOver = (withToken: boolean) => {
    const params = [...q.entries()]
      .filter(([k]) => k !== 'X-Amz-Signature' && (withToken || k !== 'X-Amz-Security-Token'))
      .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
      .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonical = [opts.method, opts.path, params, `host:${opts.host.trim()}\n`, 'host', EMPTY_SHA256].join('\n');
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join(
      '\n',
    );
    return createHmac('sha256', signingKey).update(toSign).digest();
  };
  const expected = Buffer.from(given, 'hex');
  const matches = (withToken: boolean) => timingSafeEqual(signatureOver(withToken), expected);
  if (matches(true) || (q.has('X-Amz-Security-Token') && matches(false))) return { ok: true };
  return { ok: false, reason: 'The request signature does not match' };
}
