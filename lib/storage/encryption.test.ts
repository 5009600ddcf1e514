import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, type S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestEncryptionOnWrites } from "./encryption";
import { makeS3Client } from "./s3-client";

// A stand-in S3 endpoint that records what the client sends; the real store is exercised elsewhere.
const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
const server = createServer((req, res) => {
  seen.push({ method: req.method!, url: req.url!, headers: req.headers });
  req.resume();
  req.on("end", () => {
    res.setHeader("content-type", "application/xml");
    res.end(req.url!.includes("uploads") ? "<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>" : "");
  });
});
let client: S3Client;

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  client = makeS3Client({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: "us-east-1", accessKeyId: "a", secretAccessKey: "b" });
  requestEncryptionOnWrites(client, "AES256");
});
afterAll(() => server.close());

describe("requestEncryptionOnWrites", () => {
  it("adds x-amz-server-side-encryption to every object write and to nothing else", async () => {
    await client.send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: "x" }));
    await client.send(new CreateMultipartUploadCommand({ Bucket: "b", Key: "m" }));
    await client.send(new UploadPartCommand({ Bucket: "b", Key: "m", UploadId: "u1", PartNumber: 1, Body: "y" })).catch(() => {});
    await client.send(new CompleteMultipartUploadCommand({ Bucket: "b", Key: "m", UploadId: "u1" })).catch(() => {});
    const byRequest = new Map(seen.map((s) => [`${s.method} ${s.url.split("?")[1]?.split(/[&=]/)[0]}`, s.headers["x-amz-server-side-encryption"]]));
    expect(Object.fromEntries(byRequest)).toEqual({
      "PUT x-id": "AES256",
      "POST uploads": "AES256",
      "PUT partNumber": undefined,
      "POST uploadId": undefined,
    });
  });

  it("makes the header part of a presigned URL's signature", async () => {
    const url = new URL(await getSignedUrl(client, new PutObjectCommand({ Bucket: "b", Key: "k" }), { expiresIn: 60 }));
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toContain("x-amz-server-side-encryption");
  });
});
