import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { AwsError } from '../errors';

/**
 * Who may talk to the local IoT Core over HTTP (the API, the admin routes and the MQTT WebSocket at /mqtt).
 * Its callers are programs on this machine: the AWS SDK and CLI, the dashboard's server, mqtt.js, the Device SDK.
 * None of them is a web page, so the emulator refuses the two ways a page in the operator's browser could reach it:
 *
 * - DNS rebinding: a page on `evil.example` whose name is made to resolve to 127.0.0.1 sends requests the browser
 *   considers same-origin, so CORS never stops them; the only tell is the Host header, which still names the
 *   attacker's domain. Only loopback names and addresses (and the hosts an operator configures) are answered.
 * - Cross-site requests: a form POST or a no-cors fetch from any page reaches a loopback port and changes state
 *   even though the page cannot read the answer. Browsers mark every such request with `Origin` (all cross-origin
 *   requests, all POSTs) and `Sec-Fetch-Site`; server-side clients send neither. The emulator serves no pages, so
 *   any Origin at all means a browser is relaying a page's request. A typed URL or bookmark (`Sec-Fetch-Site:
 *   none`, no Origin) is still answered, so the root CA opens in a browser tab.
 */

/** Names and addresses that always reach this machine and no other: a rebinding attacker cannot own them. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** A Host header is a host name or address and an optional port, nothing else (no user-info, no path). */
const HOST_HEADER = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

/**
 * The hostname of a Host header (or of a configured entry), in the form URL parsing gives it: lowercase, IPv6 in
 * brackets and compressed, numeric IPv4 spelled out. Undefined when it is not a plain host[:port].
 */
export function normaliseHost(value: string): string | undefined {
  const trimmed = value.trim();
  const candidate = isIP(trimmed) === 6 ? `[${trimmed}]` : trimmed;
  if (!HOST_HEADER.test(candidate)) return undefined;
  try {
    return new URL(`http://${candidate}`).hostname;
  } catch {
    return undefined;
  }
}

/** `IOT_EMULATOR_ALLOWED_HOSTS`: comma-separated host names or addresses (a port, if given, is ignored). */
export function parseHostList(value: string | readonly string[] | undefined): string[] {
  const entries = typeof value === 'string' ? value.split(',') : (value ?? []);
  const hosts: string[] = [];
  for (const entry of entries) {
    if (entry.trim() === '') continue;
    const host = normaliseHost(entry);
    if (!host) throw new Error(`"${entry.trim()}" in the allowed hosts is not a host name or address`);
    hosts.push(host);
  }
  return hosts;
}

/**
 * Every hostname the emulator answers to: loopback, the configured hosts, and the address it listens on when that
 * is one specific address (a client reaching it there names that address).
 */
export function answeredHosts(config: { allowedHosts: readonly string[]; host: string }): ReadonlySet<string> {
  const hosts = new Set([...LOOPBACK_HOSTS, ...config.allowedHosts]);
  const listen = config.host === '0.0.0.0' || config.host === '::' ? undefined : normaliseHost(config.host);
  if (listen) hosts.add(listen);
  return hosts;
}

/** Fetch-Metadata values a browser sends for a request the user made directly or a page made to its own origin. */
const SAFE_FETCH_SITES = new Set(['same-origin', 'none']);

const refused = (message: string) => new AwsError('ForbiddenException', 403, message);

/** Why this request is refused before it is read (a 403 to send), or undefined when it may go on. */
export function browserRefusal(headers: IncomingHttpHeaders, hosts: ReadonlySet<string>): AwsError | undefined {
  const host = headers.host;
  const hostname = host ? normaliseHost(host) : undefined;
  if (!hostname || !hosts.has(hostname)) {
    const shown = host ? `'${host.slice(0, 100)}'` : 'missing';
    return refused(
      `The local IoT Core answers only requests addressed to localhost, 127.0.0.1, [::1] or a host named in ` +
        `IOT_EMULATOR_ALLOWED_HOSTS (the Host header was ${shown}).`,
    );
  }
  if (headers.origin !== undefined) {
    return refused(
      'Requests from web pages are refused: the local IoT Core serves programs on this machine (the AWS SDK and CLI, ' +
        'the dashboard server, MQTT clients), never a browser page (this request carried an Origin header).',
    );
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined && !SAFE_FETCH_SITES.has(String(site))) {
    return refused(`Cross-site requests are refused (Sec-Fetch-Site: ${String(site).slice(0, 40)}).`);
  }
  return undefined;
}

/** The raw HTTP answer that refuses a WebSocket upgrade, AWS-shaped like the API's errors. */
export function upgradeRefusal(error: AwsError): string {
  const body = JSON.stringify({ message: error.message, __type: error.code });
  return [
    `HTTP/1.1 ${error.status} Forbidden`,
    'content-type: application/json',
    `x-amzn-ErrorType: ${error.code}`,
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
}
