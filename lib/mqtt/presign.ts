import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * A SigV4 query-presigned URL for MQTT over WebSocket, as AWS IoT's device gateway expects it: service
 * `iotdevicegateway`, path `/mqtt`, only the host header signed, and the session token (when there is
 * one) appended after signing. Used for the dashboard's MQTT session in both modes: AWS's endpoint, and
 * the local IoT Core, which verifies the same signature.
 */
export interface PresignInput {
  /** `wss://<ats-endpoint>/mqtt` on AWS; `ws://127.0.0.1:<port>/mqtt` locally. */
  url: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Seconds the URL stays valid for the handshake; AWS allows up to 7 days. */
  expiresIn?: number;
}

class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBuffer(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export async function presignMqttUrl(input: PresignInput): Promise<string> {
  const url = new URL(input.url);
  const signer = new SignatureV4({
    service: 'iotdevicegateway',
    region: input.region,
    credentials: { accessKeyId: input.credentials.accessKeyId, secretAccessKey: input.credentials.secretAccessKey },
    sha256: NodeSha256,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers: { host: url.host },
    },
    { expiresIn: input.expiresIn ?? 300 },
  );
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(signed.query ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) if (one !== null && one !== undefined) query.append(k, one);
  }
  // AWS IoT's convention: the session token is not part of the signature.
  if (input.credentials.sessionToken) query.append('X-Amz-Security-Token', input.credentials.sessionToken);
  return `${url.protocol}//${url.host}${url.pathname}?${query.toString()}`;
}
