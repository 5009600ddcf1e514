import { CloudFrontClient, CreateInvalidationCommand, GetInvalidationCommand } from "@aws-sdk/client-cloudfront";
import { getSignedUrl } from "@aws-sdk/cloudfront-signer";
import { TooManyInvalidationsError, edgeBaseUrl, type CdnProvider, type InvalidationState } from "./provider";

export interface CloudFrontConfig {
  domain: string;
  distributionId: string;
  keyPairId: string;
  /** PEM; `\n` escapes (one-line env values) are turned back into newlines. */
  privateKey: string;
  /** The API endpoint: AWS's own when unset (a test double in tests). */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** CloudFront's invalidation prices: the first 1000 paths a month free, then $0.005 each; a wildcard is one path. */
export const CLOUDFRONT_PRICING = { freePathsPerMonth: 1000, usdPerPath: 0.005 };

function stateOf(status: string | undefined): InvalidationState {
  return status === "Completed" ? "completed" : "in_progress";
}

/**
 * CloudFront: canned-policy signed URLs (`Expires`, `Signature`, `Key-Pair-Id`) with the trusted key
 * group's private key, and `CreateInvalidation` / `GetInvalidation` on the distribution.
 * `TooManyInvalidationsInProgress` becomes TooManyInvalidationsError, which the drain retries with backoff.
 */
export function makeCloudFrontProvider(config: CloudFrontConfig): CdnProvider {
  const base = edgeBaseUrl(config.domain);
  const privateKey = config.privateKey.includes("\\n") ? config.privateKey.replace(/\\n/g, "\n") : config.privateKey;
  // CloudFront's API lives in us-east-1 whatever the distribution serves.
  const client = new CloudFrontClient({ region: "us-east-1", endpoint: config.endpoint, credentials: config.credentials, maxAttempts: 1 });
  return {
    name: "cloudfront",
    wildcards: true,
    pricing: CLOUDFRONT_PRICING,
    signUrl(path, expiresAt) {
      // Whole seconds, rounded down (the signer rounds to the nearest second): a URL never outlives its expiry.
      return getSignedUrl({ url: `${base}${path}`, keyPairId: config.keyPairId, privateKey, dateLessThan: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000) });
    },
    async createInvalidation({ callerReference, paths }) {
      try {
        const out = await client.send(
          new CreateInvalidationCommand({
            DistributionId: config.distributionId,
            InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } },
          }),
        );
        if (!out.Invalidation?.Id) throw new Error("CloudFront answered CreateInvalidation without an invalidation id");
        return { id: out.Invalidation.Id, state: stateOf(out.Invalidation.Status) };
      } catch (err) {
        if ((err as Error).name === "TooManyInvalidationsInProgress") throw new TooManyInvalidationsError((err as Error).message);
        throw err;
      }
    },
    async getInvalidation(id) {
      const out = await client.send(new GetInvalidationCommand({ DistributionId: config.distributionId, Id: id }));
      return { state: stateOf(out.Invalidation?.Status) };
    },
  };
}
