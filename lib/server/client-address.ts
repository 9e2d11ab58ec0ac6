import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import net from 'node:net';

/**
 * Who is asking: the client's address, which sign-in throttling (lib/auth/sign-in-throttle.ts) and the audit
 * trail rely on. Next.js gives pages, actions and route handlers no TCP peer, and the X-Forwarded-For it passes
 * on is whatever the client sent when no proxy set it, so anyone could pick their own address (a fresh
 * throttle bucket per guess). Instead the Next server stamps every request, as it arrives, with one header
 * of its own, overwriting any copy the client sent:
 *
 *   x-dashboard-client-address = the TCP peer, or, when the peer is a proxy listed in
 *   DASHBOARD_TRUSTED_PROXIES (addresses or CIDR ranges, comma separated), the nearest X-Forwarded-For entry
 *   that is not itself a trusted proxy (read right to left: each proxy appends the address it saw).
 *
 * installClientAddressHeader() is called once at server start (instrumentation.ts -> lib/server/services.ts).
 */
export const CLIENT_ADDRESS_HEADER = 'x-dashboard-client-address';

export class TrustedProxiesError extends Error {
  constructor(entry: string) {
    super(`DASHBOARD_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.5, 10.1.0.0/16).`);
    this.name = 'TrustedProxiesError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export function trustedProxiesFromEnv(env: Env = process.env): string[] {
  return (env.DASHBOARD_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** An address as one canonical string: IPv4-mapped IPv6 (::ffff:1.2.3.4) as IPv4, no brackets or port. */
export function normaliseAddress(raw: string | undefined): string | undefined {
  let a = raw?.trim();
  if (!a) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(a);
  if (mapped) a = mapped[1]!;
  return net.isIP(a) ? a.toLowerCase() : undefined;
}

export type AddressMatcher = (address: string) => boolean;

/** Matches the listed proxies (addresses or CIDR ranges); throws on an entry that is neither. */
export function trustedProxyMatcher(entries: readonly string[]): AddressMatcher {
  if (!entries.length) return () => false;
  const list = new net.BlockList();
  for (const entry of entries) {
    const [base, prefix, extra] = entry.split('/');
    const address = normaliseAddress(base);
    const family = address ? (net.isIPv6(address) ? 'ipv6' : 'ipv4') : undefined;
    if (!address || !family || extra !== undefined) throw new TrustedProxiesError(entry);
    if (prefix === undefined) {
      list.addAddress(address, family);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d+$/.test(prefix) || bits > (family === 'ipv6' ? 128 : 32)) throw new TrustedProxiesError(entry);
    list.addSubnet(address, bits, family);
  }
  return (address) => list.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
}

/**
 * The client's address from the TCP peer and the X-Forwarded-For chain. Entries are believed only as far as
 * trusted proxies vouch for them: from the right, each trusted hop hands over to the entry before it; the
 * first untrusted one is the client. A malformed entry ends the walk at the last address a proxy vouched for.
 */
export function resolveClientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  isTrusted: AddressMatcher,
): string {
  let client = normaliseAddress(peer);
  if (!client) return '';
  if (!isTrusted(client)) return client;
  const hops = (forwardedFor ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseAddress(hops[i]);
    if (!hop) break;
    client = hop;
    if (!isTrusted(hop)) break;
  }
  return client;
}

const INSTALLED = Symbol.for('iot-dashboard.client-address-hook');

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Stamps every request the process's HTTP(S) servers receive with CLIENT_ADDRESS_HEADER, before Next.js sees
 * it. Next does not hand its server to the application, so the hook sits on the servers' `request` event;
 * installing it twice is a no-op.
 */
export function installClientAddressHeader(trustedProxies: readonly string[]): void {
  const isTrusted = trustedProxyMatcher(trustedProxies);
  for (const proto of [http.Server.prototype, https.Server.prototype] as unknown as Record<
    symbol | string,
    unknown
  >[]) {
    if (proto[INSTALLED]) continue;
    const emit = proto.emit as Emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (event === 'request') stampClientAddress(args[0] as IncomingMessage, isTrusted);
      return emit.call(this, event, ...args);
    } satisfies Emit;
    proto[INSTALLED] = true;
  }
}

export function stampClientAddress(req: IncomingMessage, isTrusted: AddressMatcher): void {
  const forwarded = req.headers['x-forwarded-for'];
  req.headers[CLIENT_ADDRESS_HEADER] = resolveClientAddress(
    req.socket?.remoteAddress,
    Array.isArray(forwarded) ? forwarded.join(',') : forwarded,
    isTrusted,
  );
}
