import { createHash } from "node:crypto";
import { TooManyInvalidationsError, edgeBaseUrl, type CdnProvider } from "./provider";

export interface NginxEdgeConfig {
  domain: string;
  signingSecret: string;
  /** Sent as `X-Framevault-Edge-Refresh` with refreshes; the edge sends it to the origin too. */
  edgeSecret: string;
}

/**
 * The value nginx's `secure_link_md5 "$secure_link_expires$uri <secret>"` computes: the MD5 of the
 * expiry (Unix seconds), the path and the secret, base64url without padding (what `secure_link` expects).
 */
export function nginxSecureLinkHash(path: string, expires: number, secret: string): string {
  return createHash("md5").update(`${expires}${path} ${secret}`).digest("base64url");
}

/** Refreshes run a few at a time: each is one request to the edge. */
const REFRESH_CONCURRENCY = 8;

/**
 * nginx as a caching edge (`proxy_cache` + `secure_link`; scripts/stack/nginx.ts writes its config). A
 * path is invalidated by refreshing it: a signed HEAD with the edge secret bypasses the cache, and the
 * origin's answer replaces the cached entry (the new current bytes, or the refusal of a file that is gone).
 * One invalidation is a batch of those, done when they all answered; nothing is billed, no wildcards.
 */
export function makeNginxProvider(config: NginxEdgeConfig): CdnProvider {
  const base = edgeBaseUrl(config.domain);
  const signUrl = (path: string, expiresAt: Date) => {
    const expires = Math.floor(expiresAt.getTime() / 1000);
    return `${base}${path}?expires=${expires}&md5=${nginxSecureLinkHash(path, expires, config.signingSecret)}`;
  };
  const refresh = async (path: string) => {
    const res = await fetch(signUrl(path, new Date(Date.now() + 60_000)), {
      method: "HEAD",
      headers: { "X-Framevault-Edge-Refresh": config.edgeSecret },
      signal: AbortSignal.timeout(60_000),
    });
    if (res.status === 429 || res.status === 503) throw new TooManyInvalidationsError(`edge refresh answered ${res.status}`);
    // What the origin answered now sits in the cache: content, or a refusal (a file gone).
    if (res.status >= 500 || res.status === 403) throw new Error(`edge refresh of ${path} answered ${res.status}`);
  };
  return {
    name: "nginx",
    wildcards: false,
    pricing: { freePathsPerMonth: Infinity, usdPerPath: 0 },
    signUrl,
    async createInvalidation({ callerReference, paths }) {
      const queue = paths.filter((p) => !p.endsWith("*"));
      const worker = async () => {
        for (let path = queue.shift(); path !== undefined; path = queue.shift()) await refresh(path);
      };
      await Promise.all(Array.from({ length: Math.min(REFRESH_CONCURRENCY, queue.length) }, worker));
      return { id: callerReference, state: "completed" };
    },
    async getInvalidation() {
      return { state: "completed" };
    },
  };
}
