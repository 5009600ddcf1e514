// The CDN interface (D3): signs edge URLs and invalidates edge paths. Two providers: `nginx`
// (self-hosted, see nginx.ts) and `cloudfront` (cloudfront.ts); which one runs is env's choice.

export type InvalidationState = "in_progress" | "completed";

export interface CdnProvider {
  name: "nginx" | "cloudfront";
  /** Whether a path ending in `*` invalidates everything under it (counted as one path). */
  wildcards: boolean;
  /** What a path costs beyond the month's free ones (USD), and how many are free. */
  pricing: { freePathsPerMonth: number; usdPerPath: number };
  /** The edge URL of `path` (starting with `/media/`), valid until `expiresAt`. */
  signUrl(path: string, expiresAt: Date): string;
  /** Sends one invalidation; the same `callerReference` twice is the same invalidation. */
  createInvalidation(input: { callerReference: string; paths: string[] }): Promise<{ id: string; state: InvalidationState }>;
  getInvalidation(id: string): Promise<{ state: InvalidationState }>;
}

/** The provider refused for now because too many invalidations are in progress: try again later. */
export class TooManyInvalidationsError extends Error {
  constructor(message = "Too many invalidations in progress") {
    super(message);
    this.name = "TooManyInvalidationsError";
  }
}

/** `CDN_DOMAIN` is a host (https) or an origin URL; the edge URLs start with it. */
export function edgeBaseUrl(domain: string): string {
  return (/^https?:\/\//.test(domain) ? domain : `https://${domain}`).replace(/\/+$/, "");
}
