// The CloudFront provider. CloudFront cannot run here, so its API is a TEST DOUBLE: a local HTTP server
// speaking the recorded shape of CloudFront's REST XML API (2020-05-31) for CreateInvalidation and
// GetInvalidation, errors included, with the real @aws-sdk/client-cloudfront pointed at it through
// `endpoint`. Signed URLs are checked for real: the canned policy CloudFront rebuilds from the URL must
// verify with the public key of the pair the test generates.
import { createVerify, generateKeyPairSync, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { cdnInvalidations } from "@/db/schema";
import { testSql } from "@/scripts/testing/backends";
import { CLOUDFRONT_PRICING, makeCloudFrontProvider } from "./cloudfront";
import { refreshInvalidation, submitInvalidation } from "./drain";
import { ALL_MEDIA_WILDCARD } from "./paths";
import { planInvalidations } from "./plan";
import { TooManyInvalidationsError } from "./provider";

const NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/";
const DISTRIBUTION = "E2TESTDOUBLE01";

interface RecordedCreate { distributionId: string; callerReference: string; quantity: number; paths: string[] }

/** Test double of CloudFront's invalidation API: records what it is sent, answers in CloudFront's XML. */
class CloudFrontApiTestDouble {
  readonly creates: RecordedCreate[] = [];
  readonly gets: string[] = [];
  /** The next N CreateInvalidation calls are refused with TooManyInvalidationsInProgress. */
  throttleNext = 0;
  /** GetInvalidation answers InProgress this many times per invalidation, then Completed. */
  inProgressPolls = 1;
  private readonly byReference = new Map<string, { id: string; polls: number; created: RecordedCreate }>();
  private server = http.createServer((req, res) => void this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const create = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/.exec(req.url ?? "");
    const get = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation\/([^/?]+)$/.exec(req.url ?? "");
    const xml = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "text/xml", "x-amz-request-id": randomUUID(), ...headers });
      res.end(`<?xml version="1.0"?>\n${text}`);
    };
    const error = (status: number, code: string, message: string) =>
      xml(status, `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
    if (!req.headers.authorization?.startsWith("AWS4-HMAC-SHA256 ")) return error(403, "AccessDenied", "Missing signature");
    if (req.method === "POST" && create) {
      const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? "";
      const recorded = {
        distributionId: create[1],
        callerReference: tag("CallerReference"),
        quantity: Number(tag("Quantity")),
        paths: [...body.matchAll(/<Path>([^<]*)<\/Path>/g)].map((m) => m[1]),
      };
      this.creates.push(recorded);
      if (recorded.distributionId !== DISTRIBUTION) return error(404, "NoSuchDistribution", "The specified distribution does not exist.");
      if (this.throttleNext > 0) {
        this.throttleNext -= 1;
        return error(400, "TooManyInvalidationsInProgress", "Processing your request would cause you to exceed the maximum number of in-progress wildcard invalidations.");
      }
      // The same CallerReference is the same invalidation (CloudFront answers with the existing one).
      let entry = this.byReference.get(recorded.callerReference);
      if (!entry) {
        entry = { id: `I${randomUUID().replace(/-/g, "").slice(0, 13).toUpperCase()}`, polls: 0, created: recorded };
        this.byReference.set(recorded.callerReference, entry);
      }
      return xml(201, this.invalidationXml(entry.id, "InProgress", entry.created), {
        Location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${DISTRIBUTION}/invalidation/${entry.id}`,
      });
    }
    if (req.method === "GET" && get) {
      this.gets.push(get[2]);
      const entry = [...this.byReference.values()].find((e) => e.id === get[2]);
      if (!entry || get[1] !== DISTRIBUTION) return error(404, "NoSuchInvalidation", "The specified invalidation does not exist.");
      entry.polls += 1;
      return xml(200, this.invalidationXml(entry.id, entry.polls > this.inProgressPolls ? "Completed" : "InProgress", entry.created));
    }
    error(400, "InvalidArgument", `unexpected ${req.method} ${req.url}`);
  }

  private invalidationXml(id: string, status: string, c: RecordedCreate): string {
    const items = c.paths.map((p) => `<Path>${p}</Path>`).join("");
    return `<Invalidation xmlns="${NS}"><Id>${id}</Id><Status>${status}</Status><CreateTime>${new Date().toISOString()}</CreateTime><InvalidationBatch><Paths><Quantity>${c.quantity}</Quantity><Items>${items}</Items></Paths><CallerReference>${c.callerReference}</CallerReference></InvalidationBatch></Invalidation>`;
  }
}

const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const privatePem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const double = new CloudFrontApiTestDouble();
let provider: ReturnType<typeof makeCloudFrontProvider>;

beforeAll(async () => {
  const endpoint = await double.start();
  provider = makeCloudFrontProvider({
    domain: "d111111abcdef8.cloudfront.net",
    distributionId: DISTRIBUTION,
    keyPairId: "K2JCJMDEHXQW5F",
    // As a one-line env value would carry it.
    privateKey: privatePem.replace(/\n/g, "\\n"),
    endpoint,
    credentials: { accessKeyId: "AKIDTESTDOUBLE", secretAccessKey: "test-double-secret" },
  });
});

afterAll(() => double.stop());

/** CloudFront's URL-safe base64 back to the standard alphabet. */
const fromCloudFrontBase64 = (s: string) => Buffer.from(s.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");

function verifiesWith(url: string, publicKey: string | import("node:crypto").KeyObject): boolean {
  const u = new URL(url);
  const expires = Number(u.searchParams.get("Expires"));
  const signature = fromCloudFrontBase64(u.searchParams.get("Signature")!);
  // The canned policy CloudFront rebuilds from the request: the URL without its signing parameters.
  const resource = `${u.origin}${u.pathname}`;
  const policy = JSON.stringify({ Statement: [{ Resource: resource, Condition: { DateLessThan: { "AWS:EpochTime": expires } } }] });
  return createVerify("RSA-SHA1").update(policy).verify(publicKey, signature);
}

describe("CloudFront signed URLs", () => {
  it("verify with the public key of the trusted key group's pair, and with nothing else", () => {
    const expiresAt = new Date(Date.now() + 300_000);
    const url = provider.signUrl(`/media/${randomUUID()}/current`, expiresAt);
    const u = new URL(url);
    expect(u.origin).toBe("https://d111111abcdef8.cloudfront.net");
    expect(u.searchParams.get("Key-Pair-Id")).toBe("K2JCJMDEHXQW5F");
    expect(Number(u.searchParams.get("Expires"))).toBe(Math.floor(expiresAt.getTime() / 1000));
    expect(verifiesWith(url, keys.publicKey)).toBe(true);

    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    expect(verifiesWith(url, other.publicKey)).toBe(false);
    const repointed = new URL(url);
    repointed.pathname = `/media/${randomUUID()}/current`;
    expect(verifiesWith(repointed.toString(), keys.publicKey)).toBe(false);
    const extended = new URL(url);
    extended.searchParams.set("Expires", String(Number(u.searchParams.get("Expires")) + 3600));
    expect(verifiesWith(extended.toString(), keys.publicKey)).toBe(false);
  });
});

describe("CloudFront invalidations (against the API test double)", () => {
  it("CreateInvalidation carries the distribution, the caller reference and the batch; GetInvalidation reports completion", async () => {
    const before = double.creates.length;
    const paths = [`/media/${randomUUID()}/current`, `/media/${randomUUID()}/*`];
    const sent = await provider.createInvalidation({ callerReference: "framevault-ref-1", paths });
    expect(sent.state).toBe("in_progress");
    expect(double.creates.slice(before)).toEqual([{ distributionId: DISTRIBUTION, callerReference: "framevault-ref-1", quantity: 2, paths }]);
    expect((await provider.getInvalidation(sent.id)).state).toBe("in_progress");
    expect((await provider.getInvalidation(sent.id)).state).toBe("completed");
    // A retried request with the same reference is the same invalidation.
    expect((await provider.createInvalidation({ callerReference: "framevault-ref-1", paths })).id).toBe(sent.id);
  });

  it("TooManyInvalidationsInProgress is retried: recorded as a refused attempt, then sent and polled to completion", async () => {
    const id = randomUUID();
    const paths = [`/media/${randomUUID()}/current`];
    await getDb().insert(cdnInvalidations).values({ id, provider: "cloudfront", callerReference: `framevault-${id}`, paths, pathCount: 1 });
    double.throttleNext = 1;
    await expect(provider.createInvalidation({ callerReference: "x", paths })).rejects.toBeInstanceOf(TooManyInvalidationsError);
    double.throttleNext = 1;
    expect(await submitInvalidation(id, provider)).toBe("throttled");
    let [row] = await testSql()`select status, attempts, last_error, provider_id from cdn_invalidations where id = ${id}`;
    expect(row).toMatchObject({ status: "pending", attempts: 1, provider_id: null });
    expect(row.last_error).toMatch(/exceed/);

    expect(await submitInvalidation(id, provider)).toBe("in_progress");
    [row] = await testSql()`select status, attempts, last_error, provider_id from cdn_invalidations where id = ${id}`;
    expect(row).toMatchObject({ status: "in_progress", attempts: 2, last_error: null });
    expect(double.creates.at(-1)).toMatchObject({ callerReference: `framevault-${id}`, paths });
    expect(await refreshInvalidation(id, provider)).toBe("in_progress");
    expect(await refreshInvalidation(id, provider)).toBe("completed");
    [row] = await testSql()`select status, completed_at from cdn_invalidations where id = ${id}`;
    expect(row.status).toBe("completed");
    expect(row.completed_at).not.toBeNull();
    await testSql()`delete from cdn_invalidations where id = ${id}`;
  });

  it("2500 changes become 3 requests of at most 1000 paths, costed past the month's free 1000; more than 3000 become one /media/*", async () => {
    const paths = Array.from({ length: 2500 }, () => `/media/${randomUUID()}/current`);
    const plan = planInvalidations(paths, { wildcards: true, wildcardAbove: 3000, pricing: CLOUDFRONT_PRICING, pathsThisMonth: 0 });
    expect(plan.map((p) => p.paths.length)).toEqual([1000, 1000, 500]);
    expect(plan.map((p) => p.costUsd)).toEqual([0, 5, 2.5]);
    expect(new Set(plan.flatMap((p) => p.paths))).toEqual(new Set(paths));

    const before = double.creates.length;
    for (const [i, p] of plan.entries()) await provider.createInvalidation({ callerReference: `framevault-bulk-${i}`, paths: p.paths });
    const sent = double.creates.slice(before);
    expect(sent).toHaveLength(3);
    expect(sent.every((c) => c.distributionId === DISTRIBUTION && c.quantity === c.paths.length && c.paths.length <= 1000)).toBe(true);
    expect(new Set(sent.map((c) => c.callerReference)).size).toBe(3);
    expect(sent.flatMap((c) => c.paths).sort()).toEqual([...paths].sort());

    const many = Array.from({ length: 3001 }, () => `/media/${randomUUID()}/current`);
    expect(planInvalidations(many, { wildcards: true, wildcardAbove: 3000, pricing: CLOUDFRONT_PRICING, pathsThisMonth: 1000 })).toEqual([
      { paths: [ALL_MEDIA_WILDCARD], costUsd: 0.005 },
    ]);
  });

  it("a file's several paths collapse into its one wildcard (one billed path instead of n)", () => {
    const file = randomUUID();
    const single = `/media/${randomUUID()}/current`;
    const plan = planInvalidations(
      [`/media/${file}/current`, `/media/${file}/variants/${randomUUID()}/thumbnail`, `/media/${file}/variants/${randomUUID()}/preview`, single, single],
      { wildcards: true, wildcardAbove: 3000, pricing: CLOUDFRONT_PRICING, pathsThisMonth: 5000 },
    );
    expect(plan).toEqual([{ paths: [single, `/media/${file}/*`], costUsd: 0.01 }]);
    // nginx takes no wildcards: the same paths stay as they are.
    expect(planInvalidations([`/media/${file}/current`, `/media/${file}/variants/x/thumbnail`], { wildcards: false, wildcardAbove: 3000, pricing: { freePathsPerMonth: Infinity, usdPerPath: 0 }, pathsThisMonth: 0 })[0].paths).toHaveLength(2);
  });
});
