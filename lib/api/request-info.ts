import { randomUUID } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { RequestInfo } from "@/lib/auth/actor";
import { env } from "@/lib/env";

/**
 * The TCP peer's address, set by server.mjs from `req.socket.remoteAddress` after deleting any copy the
 * client sent: route handlers cannot see the socket, and a client must not be able to name it.
 */
export const SOCKET_ADDRESS_HEADER = "x-framevault-socket-address";

function normalise(address: string): string | null {
  const bare = address.trim().replace(/^\[(.*)\]$/, "$1");
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  const ip = v4mapped ? v4mapped[1] : bare;
  return isIP(ip) ? ip : null;
}

/** A matcher for `TRUSTED_PROXIES` entries (addresses or CIDRs); a malformed entry fails loudly at first use. */
export function trustedProxyMatcher(entries: readonly string[]): (ip: string) => boolean {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split("/");
    const ip = normalise(address);
    const family = ip && isIP(ip) === 6 ? "ipv6" : "ipv4";
    const prefix = bits === undefined ? undefined : Number(bits);
    if (!ip || (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === "ipv6" ? 128 : 32)))) {
      throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range.`);
    }
    if (prefix === undefined) list.addAddress(ip, family);
    else list.addSubnet(ip, prefix, family);
  }
  return (ip) => list.check(ip, isIP(ip) === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address: the socket peer, then X-Forwarded-For walked right to left for as long as the
 * hop that appended the entry is a trusted proxy. Without trusted proxies, headers are never believed.
 */
export function clientAddress(headers: Headers, isTrusted: (ip: string) => boolean): string | null {
  const socket = normalise(headers.get(SOCKET_ADDRESS_HEADER) ?? "");
  if (!socket) return null;
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").filter((h) => h.trim()).reverse();
  let client = socket;
  for (const hop of hops) {
    if (!isTrusted(client)) break;
    const next = normalise(hop);
    if (!next) break;
    client = next;
  }
  return client;
}

const globalForProxies = globalThis as unknown as { framevaultTrustedProxy?: (ip: string) => boolean };

export function requestInfo(source: Request | Headers): RequestInfo {
  const headers = source instanceof Headers ? source : source.headers;
  globalForProxies.framevaultTrustedProxy ??= trustedProxyMatcher(env().TRUSTED_PROXIES);
  return {
    ip: clientAddress(headers, globalForProxies.framevaultTrustedProxy),
    userAgent: headers.get("user-agent"),
    requestId: headers.get("x-request-id") ?? randomUUID(),
  };
}
