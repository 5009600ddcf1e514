import "server-only";
import { env } from "@/lib/env";
import { makeCloudFrontProvider } from "./cloudfront";
import { makeNginxProvider } from "./nginx";
import type { CdnProvider } from "./provider";

const globalForCdn = globalThis as unknown as { framevaultCdn?: CdnProvider | null };

/** The configured CDN, or null when CDN_PROVIDER is off (then no `cdnUrl` is issued and nothing is queued). */
export function cdnProvider(): CdnProvider | null {
  if (globalForCdn.framevaultCdn !== undefined) return globalForCdn.framevaultCdn;
  const e = env();
  let provider: CdnProvider | null = null;
  if (e.CDN_PROVIDER === "nginx") {
    provider = makeNginxProvider({ domain: e.CDN_DOMAIN!, signingSecret: e.CDN_SIGNING_SECRET!, edgeSecret: e.CDN_EDGE_SECRET! });
  } else if (e.CDN_PROVIDER === "cloudfront") {
    provider = makeCloudFrontProvider({
      domain: e.CDN_DOMAIN!,
      distributionId: e.CLOUDFRONT_DISTRIBUTION_ID!,
      keyPairId: e.CLOUDFRONT_KEY_PAIR_ID!,
      privateKey: e.CLOUDFRONT_PRIVATE_KEY!,
      endpoint: e.CLOUDFRONT_API_ENDPOINT,
    });
  }
  globalForCdn.framevaultCdn = provider;
  return provider;
}
