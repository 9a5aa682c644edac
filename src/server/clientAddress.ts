/**
 * Who is asking, as far as the HTTP server can tell: the address a rate limit counts against, and whether a
 * request comes from this machine (which may see the health details).
 */
import net from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { isLoopbackHost } from '../config/env';

/**
 * The client's address. By default the socket's peer: nobody can choose it. `X-Forwarded-For` is trusted
 * only as far as `trustedProxyHops` reverse proxies we run behind (App Service's front end is one): each
 * appends the address it saw, so the n-th entry from the right is the one the outermost trusted proxy saw.
 * Entries further left are whatever the client wrote; trusting them would let anyone pick their own bucket.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxyHops: number,
): string {
  let address = plainAddress(socketAddress ?? '') ?? 'unknown';
  if (trustedProxyHops === 0 || forwardedFor === undefined) return address;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').reverse();
  for (const hop of hops.slice(0, trustedProxyHops)) {
    const seen = plainAddress(hop);
    // A trusted proxy never writes garbage: stop at the last address we can vouch for.
    if (seen === undefined) break;
    address = seen;
  }
  return address;
}

/**
 * The bucket a rate limit counts `address` in: an IPv4 address alone, an IPv6 address by its /64 (one
 * customer's network: a client holding a /64 could otherwise take a fresh address for every request).
 */
export function rateLimitKey(address: string): string {
  if (net.isIPv6(address)) return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
  return address;
}

/**
 * True when the request comes from this machine and was not forwarded: a proxy on the same machine
 * connects from loopback too, but says so in its forwarding headers.
 */
export function isLocalClient(socketAddress: string | undefined, headers: IncomingHttpHeaders): boolean {
  if (headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined) return false;
  const address = plainAddress(socketAddress ?? '');
  return address !== undefined && isLoopbackHost(address);
}

/**
 * An address without decoration: `[v6]:port`, `v4:port` (App Service's front end writes ports),
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`) and zone ids removed. Undefined when it is not an IP address.
 */
function plainAddress(raw: string): string | undefined {
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  if (mapped) address = mapped[1]!;
  if (net.isIPv4(address)) return address;
  if (net.isIPv6(address)) return address.toLowerCase();
  return undefined;
}

/** The eight 16-bit groups of a valid IPv6 address, as lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  const halves = address.split('::');
  const groupsOf = (part: string | undefined): string[] =>
    !part
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [group];
          const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
          return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
        });
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const zeros = halves.length === 2 ? Array<string>(8 - head.length - tail.length).fill('0') : [];
  return [...head, ...zeros, ...tail].map((group) => parseInt(group, 16).toString(16));
}
