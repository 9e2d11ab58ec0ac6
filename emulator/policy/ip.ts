/**
 * IP addresses and CIDR ranges for the aws:SourceIp conditions (IpAddress, NotIpAddress), IPv4 and IPv6, without
 * node:net so the pure policy evaluator also runs outside Node.
 */

interface IpAddr {
  v6: boolean;
  n: bigint;
}

function parseIpv4(s: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let n = 0n;
  for (let k = 1; k <= 4; k++) {
    const octet = Number(m[k]);
    if (octet > 255) return undefined;
    n = (n << 8n) | BigInt(octet);
  }
  return n;
}

function parseIp(raw: string): IpAddr | undefined {
  const s = raw.trim();
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { v6: false, n: v4 };
  let text = s.replace(/%.*$/, '').toLowerCase();
  if (!text.includes(':')) return undefined;
  // An embedded IPv4 address at the end (::ffff:1.2.3.4) counts as two groups.
  let tail: bigint | undefined;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail = parseIpv4(dotted[2] as string);
    if (tail === undefined) return undefined;
    text = `${dotted[1]}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0] as string);
  const rest = halves.length === 2 ? groups(halves[1] as string) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail !== undefined) n = (n & ~0xffffffffn) | tail;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d), as a dual-stack server reports an IPv4 client, is that IPv4 address.
  if (n >> 32n === 0xffffn) return { v6: false, n: n & 0xffffffffn };
  return { v6: true, n };
}

export interface IpRange {
  v6: boolean;
  network: bigint;
  shift: bigint;
}

export function parseCidr(value: string): IpRange | undefined {
  const [address, prefixText, extra] = value.trim().split('/');
  if (extra !== undefined || address === undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const bits = ip.v6 ? 128 : 32;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const shift = BigInt(bits - prefix);
  return { v6: ip.v6, network: ip.n >> shift, shift };
}

export function inRange(range: IpRange, value: string): boolean {
  const ip = parseIp(value);
  return !!ip && ip.v6 === range.v6 && ip.n >> range.shift === range.network;
}
