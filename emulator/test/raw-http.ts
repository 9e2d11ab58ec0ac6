import http from 'node:http';

/** One HTTP answer as it came off the wire. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sent as the Host header instead of the URL's host (fetch cannot set it). */
  host?: string;
}

/**
 * A request through node:http with exactly the headers given (Host, Origin, Sec-Fetch-Site included), as a
 * browser, an attacker's page or a hand-written client would send it; fetch adds and forbids headers.
 */
export function rawRequest(baseUrl: string, path: string, req: RawRequest = {}): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        hostname: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port,
        // As given: `..` and `%2F` reach the server unresolved, as a hand-made request sends them.
        path,
        method: req.method ?? 'GET',
        headers: { ...(req.host ? { host: req.host } : {}), ...req.headers },
        setHost: req.host === undefined,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/**
 * A WebSocket upgrade request to `path`; resolves with the HTTP status the server answered with (101 when it
 * upgraded, after which the socket is closed at once).
 */
export function upgradeStatus(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({
      hostname: base.hostname.replace(/^\[|\]$/g, ''),
      port: base.port,
      path,
      agent: false,
      setHost: !Object.keys(headers).some((h) => h.toLowerCase() === 'host'),
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-protocol': 'mqtt',
        ...headers,
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 101);
    });
    req.on('error', reject);
    req.end();
  });
}
