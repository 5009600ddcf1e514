import { CopyObjectCommand, HeadObjectCommand, RestoreObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { DEFAULT_RETRIEVAL_PRICING, estimateRetrieval, retrievalPricing } from "./pricing";
import { awsArchiveStore, parseRestoreHeader, type S3Sender } from "./store";

// AWS's Glacier behaviour cannot run here (Ceph RGW has storage classes but no RestoreObject), so the `aws`
// store is checked against a test double of S3's HeadObject / CopyObject / RestoreObject, named as such.

/** TEST DOUBLE of S3 for the archive calls: objects with a class, RestoreObject that finishes when told. */
function fakeGlacierS3() {
  const objects = new Map<string, { storageClass: string; restore?: string }>();
  const calls: string[] = [];
  const sender: S3Sender = {
    send: (async (cmd: unknown) => {
      if (cmd instanceof HeadObjectCommand) {
        calls.push("HeadObject");
        const o = objects.get(cmd.input.Key!);
        if (!o) throw Object.assign(new Error("NotFound"), { name: "NotFound", $metadata: { httpStatusCode: 404 } });
        return { StorageClass: o.storageClass === "STANDARD" ? undefined : o.storageClass, Restore: o.restore };
      }
      if (cmd instanceof CopyObjectCommand) {
        calls.push(`CopyObject:${cmd.input.StorageClass}`);
        const o = objects.get(cmd.input.Key!)!;
        if (o.storageClass !== "STANDARD" && !o.restore?.includes('"false"')) throw Object.assign(new Error("InvalidObjectState"), { name: "InvalidObjectState" });
        o.storageClass = cmd.input.StorageClass!;
        return {};
      }
      if (cmd instanceof RestoreObjectCommand) {
        calls.push(`RestoreObject:${cmd.input.RestoreRequest?.GlacierJobParameters?.Tier}:${cmd.input.RestoreRequest?.Days}`);
        const o = objects.get(cmd.input.Key!)!;
        if (o.restore?.includes('"true"')) throw Object.assign(new Error("RestoreAlreadyInProgress"), { name: "RestoreAlreadyInProgress", $metadata: { httpStatusCode: 409 } });
        o.restore = 'ongoing-request="true"';
        return {};
      }
      throw new Error(`unexpected command ${(cmd as object).constructor.name}`);
    }) as S3Sender["send"],
  };
  const finishRestores = () => {
    for (const o of objects.values()) if (o.restore) o.restore = 'ongoing-request="false", expiry-date="Fri, 21 Dec 2040 00:00:00 GMT"';
  };
  return { sender, objects, calls, finishRestores };
}

describe("parseRestoreHeader", () => {
  it("reads ongoing and finished restores and refuses what is not one", () => {
    expect(parseRestoreHeader('ongoing-request="true"')).toEqual({ ongoing: true, expiresAt: null });
    expect(parseRestoreHeader('ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"')).toEqual({
      ongoing: false,
      expiresAt: new Date("2012-12-21T00:00:00Z"),
    });
    expect(parseRestoreHeader('ongoing-request="false", expiry-date="not a date"')).toEqual({ ongoing: false, expiresAt: null });
    expect(parseRestoreHeader(undefined)).toBeNull();
    expect(parseRestoreHeader("garbage")).toBeNull();
  });
});

describe("the aws archive store (against a test double of S3)", () => {
  it("moves once, restores with the tier, and is ready only when HeadObject's Restore says so", async () => {
    const s3 = fakeGlacierS3();
    s3.objects.set("blobs/sha256/a", { storageClass: "STANDARD" });
    const store = awsArchiveStore(s3.sender, "bucket");
    expect(await store.moveToClass("blobs/sha256/a", "GLACIER")).toBe("moved");
    expect(await store.moveToClass("blobs/sha256/a", "GLACIER")).toBe("already");
    expect(await store.storageClassOf("blobs/sha256/a")).toBe("GLACIER");
    expect(s3.calls.filter((c) => c.startsWith("CopyObject"))).toEqual(["CopyObject:GLACIER"]);

    expect(await store.retrievalReady("blobs/sha256/a")).toBe(false);
    await store.startRetrieval("blobs/sha256/a", "bulk", 2.5);
    await store.startRetrieval("blobs/sha256/a", "bulk", 2.5); // a retried step: RestoreAlreadyInProgress is fine
    expect(s3.calls).toContain("RestoreObject:Bulk:3");
    expect(await store.retrievalReady("blobs/sha256/a")).toBe(false);
    s3.finishRestores();
    expect(await store.retrievalReady("blobs/sha256/a")).toBe(true);
    // AWS keeps the object in its class and drops the restored copy itself: nothing to copy either way.
    await store.makeAvailable("blobs/sha256/a");
    await store.returnToArchive("blobs/sha256/a", "GLACIER");
    expect(await store.storageClassOf("blobs/sha256/a")).toBe("GLACIER");
  });
});

describe("retrieval estimates", () => {
  it("price per GB plus the request fee, with the spec's times and limits", () => {
    const GiB = 1024 ** 3;
    expect(estimateRetrieval(DEFAULT_RETRIEVAL_PRICING, "GLACIER", "standard", 10 * GiB)).toEqual({ ok: true, cost: 0.1001, delayMs: 3 * 3_600_000 });
    expect(estimateRetrieval(DEFAULT_RETRIEVAL_PRICING, "DEEP_ARCHIVE", "bulk", GiB)).toEqual({ ok: true, cost: 0.001, delayMs: 48 * 3_600_000 });
    expect(estimateRetrieval(DEFAULT_RETRIEVAL_PRICING, "DEEP_ARCHIVE", "expedited", 1)).toMatchObject({ ok: false });
    expect(estimateRetrieval(DEFAULT_RETRIEVAL_PRICING, "GLACIER", "expedited", 6 * GiB)).toMatchObject({ ok: false });
  });

  it("takes overrides from ARCHIVE_RETRIEVAL_PRICING and refuses unknown fields", () => {
    const pricing = retrievalPricing('{"GLACIER":{"standard":{"perGb":0.02},"expedited":null}}');
    expect(pricing.GLACIER.standard).toMatchObject({ perGb: 0.02, hours: 3 });
    expect(pricing.GLACIER.expedited).toBeUndefined();
    expect(() => retrievalPricing('{"GLACIER":{"standard":{"price":1}}}')).toThrow();
    // Refused at start-up, not at the first retrieval.
    expect(() => parseEnv({ ARCHIVE_RETRIEVAL_PRICING: '{"GLACIER":' })).toThrow(/ARCHIVE_RETRIEVAL_PRICING/);
    expect(parseEnv({ ARCHIVE_RETRIEVAL_PRICING: '{"DEEP_ARCHIVE":{"bulk":{"hours":24}}}' }).ARCHIVE_RETRIEVAL_PRICING).toContain("24");
  });
});
