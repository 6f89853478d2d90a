// SSRF guard for user-supplied upstream base URLs (DESIGN.md §7). A BYOK key or the
// x-upstream-base-url header lets a user make this server open connections, so unless the operator
// sets ALLOW_PRIVATE_UPSTREAMS the target must be https and must not be a private, loopback,
// link-local, unique-local, CGNAT, metadata or otherwise reserved address. The check runs three
// times: on the URL (scheme, credentials, IP literals, obvious names), in the DNS lookup the socket
// uses (every resolved address must be public — no mixed answers), and on the address the socket
// actually connected to (so DNS rebinding between check and connect cannot slip through).
import { BlockList, isIP, type Socket } from 'node:net';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';

export class UpstreamNotAllowedError extends Error {
  readonly code = 'UPSTREAM_NOT_ALLOWED';
  constructor(reason: string) {
    super(reason);
    this.name = 'UpstreamNotAllowedError';
  }
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique-local (incl. fd00:ec2::254, AWS metadata)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address embedded in an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 address. */
function embeddedIPv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/** True when the address is not a public unicast address. Non-IP strings count as blocked. */
export function isBlockedAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIPv4(bare);
    if (v4) return blocked.check(v4, 'ipv4');
    return blocked.check(bare, 'ipv6');
  }
  return true;
}

const BLOCKED_NAMES = /(^|\.)(localhost|localdomain|internal|local)$/i;

/**
 * Validates a user-supplied upstream base URL and returns it parsed. Always rejects non-http(s)
 * schemes and embedded credentials; unless `allowPrivate`, also plain http, IP literals in blocked
 * ranges and names that can only be local (localhost, *.internal, metadata.google.internal, …).
 */
export function assertSafeUpstreamUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UpstreamNotAllowedError('the upstream base URL is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UpstreamNotAllowedError('the upstream base URL must use https');
  if (url.username || url.password) throw new UpstreamNotAllowedError('the upstream base URL must not contain credentials');
  if (allowPrivate) return url;
  if (url.protocol !== 'https:') throw new UpstreamNotAllowedError('the upstream base URL must use https');
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIP(host)) {
    if (isBlockedAddress(host)) throw new UpstreamNotAllowedError('the upstream address is private, loopback or reserved');
  } else if (BLOCKED_NAMES.test(host) || !host.includes('.')) {
    throw new UpstreamNotAllowedError('the upstream host name is local');
  }
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A drop-in for dns.lookup (as net/tls `lookup` option) that resolves every address of the host
 * and fails unless all of them are public.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const list = addresses as LookupAddress[];
    if (list.length === 0 || list.some((a) => isBlockedAddress(a.address))) {
      return callback(new UpstreamNotAllowedError('the upstream host resolves to a private, loopback or reserved address'), '');
    }
    if (options.all) return callback(null, list);
    return callback(null, list[0].address, list[0].family);
  });
}

/** Checks the address a socket actually connected to; returns an error to fail the connection with. */
export function checkConnectedSocket(socket: Socket): UpstreamNotAllowedError | null {
  const remote = socket.remoteAddress;
  if (!remote || isBlockedAddress(remote)) {
    return new UpstreamNotAllowedError('the upstream connection reached a private, loopback or reserved address');
  }
  return null;
}
