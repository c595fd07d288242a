import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Addresses an outbound call to a tenant- or platform-supplied URL may connect to. Only global
 * unicast passes: ipaddr.js names every special range (loopback, private, link-local with the
 * 169.254.169.254 metadata service, CGNAT, unique-local IPv6, multicast, reserved, NAT64 and
 * 6to4/Teredo, which embed IPv4 addresses), and an IPv4-mapped IPv6 address is judged as the IPv4
 * address it maps to. Anything ipaddr.js does not call "unicast" is refused: default deny.
 */

/** Metadata endpoints outside the ranges above (Alibaba's is in CGNAT, Oracle's in 192.0.0.0/24; AWS's IPv6 one is unique-local), listed so a change of classification cannot let them through. */
const METADATA_ADDRESSES = new Set([
  "169.254.169.254",
  "169.254.170.2",
  "100.100.100.200",
  "192.0.0.192",
  "fd00:ec2::254",
]);

/** "unicast" for a public address, else the name of the range it belongs to ("loopback", "private", ...). */
export function addressRange(address: string): string {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  if (isIP(bare.split("%", 1)[0] ?? "") === 0) return "invalid";
  // process() turns ::ffff:127.0.0.1 into 127.0.0.1, so the mapped form is judged as IPv4.
  const parsed = ipaddr.process(bare);
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString()) || METADATA_ADDRESSES.has(parsed.toString()))
    return "metadata";
  return parsed.range();
}

export function isPublicAddress(address: string): boolean {
  return addressRange(address) === "unicast";
}
