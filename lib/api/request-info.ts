import { randomUUID } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { RequestInfo } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { currentRequestId } from "@/lib/log";
import { SOCKET_ADDRESS_HEADER } from "./internal-headers.mjs";

export { SOCKET_ADDRESS_HEADER };

function normalise(address: string): string | null {
  const bare = address.trim().replace(/^\[(.*)\]$/, "$1");
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  const ip = v4mapped ? v4mapped[1] : bare;
  return isIP(ip) ? ip : null;
}

/** A matcher for `TRUSTED_PROXIES` entries (addresses or CIDRs); a malformed entry fails loudly. */
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

/** The configured proxies' matcher, built once; the server builds it at start so a bad entry stops it there. */
export function trustedProxies(): (ip: string) => boolean {
  globalForProxies.framevaultTrustedProxy ??= trustedProxyMatcher(env().TRUSTED_PROXIES);
  return globalForProxies.framevaultTrustedProxy;
}

/** What a request id from a proxy may look like: short, printable, safe in a log line and a header. */
const REQUEST_ID = /^[A-Za-z0-9._:@+=/-]{8,128}$/;

/**
 * The request's id: the one a trusted proxy sent in X-Request-Id (so its logs and ours share it), when it
 * looks like an id; otherwise a fresh UUID. A client talking to the app directly cannot choose it.
 */
export function requestIdFrom(headers: Headers, isTrusted: (ip: string) => boolean): string {
  const socket = normalise(headers.get(SOCKET_ADDRESS_HEADER) ?? "");
  const given = headers.get("x-request-id")?.trim();
  return socket && isTrusted(socket) && given && REQUEST_ID.test(given) ? given : randomUUID();
}

export function requestInfo(source: Request | Headers): RequestInfo {
  const headers = source instanceof Headers ? source : source.headers;
  return {
    ip: clientAddress(headers, trustedProxies()),
    userAgent: headers.get("user-agent"),
    // Inside a request that already has one (withApi set it), the same id, however often this is asked.
    requestId: currentRequestId() ?? requestIdFrom(headers, trustedProxies()),
  };
}
