import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, signWebhookBody, verifyWebhookSignature } from "./sign";

const secret = "whsec_test-secret";
const body = JSON.stringify({ id: "d1", event: "file.ready", data: { fileId: "f1" } });
const now = 1_760_000_000;

describe("signWebhookBody", () => {
  it("is an HMAC-SHA256 of `timestamp.body`, as a receiver would compute it with plain node:crypto", () => {
    const expected = createHmac("sha256", secret).update(`${now}.${body}`).digest("hex");
    expect(signWebhookBody(secret, body, now)).toBe(`t=${now},v1=${expected}`);
  });
});

describe("verifyWebhookSignature", () => {
  const header = signWebhookBody(secret, body, now);

  it("accepts the signature it made, within the tolerance either side", () => {
    expect(verifyWebhookSignature(secret, header, body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, 300, now + 300)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, 300, now - 300)).toBe(true);
  });

  it("refuses another body, another secret, or a timestamp outside the tolerance", () => {
    expect(verifyWebhookSignature(secret, header, body.replace("f1", "f2"), 300, now)).toBe(false);
    expect(verifyWebhookSignature(`${secret}x`, header, body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, 300, now + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, 300, now - 301)).toBe(false);
  });

  it("refuses a replay that swaps in a fresh timestamp", () => {
    const v1 = header.split("v1=")[1];
    expect(verifyWebhookSignature(secret, `t=${now + 1000},v1=${v1}`, body, 300, now + 1000)).toBe(false);
  });

  it("accepts any of several v1 entries, so secrets can be replaced without downtime", () => {
    const other = signWebhookBody("whsec_old", body, now).split("v1=")[1];
    expect(verifyWebhookSignature(secret, `t=${now},v1=${other},v1=${header.split("v1=")[1]}`, body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, `t=${now},v1=${other}`, body, 300, now)).toBe(false);
  });

  it("refuses missing and malformed headers without throwing", () => {
    for (const bad of [null, undefined, "", "t=,v1=", `t=${now}`, `v1=${header.split("v1=")[1]}`, `t=${now},v1=abc`, `t=soon,v1=${"0".repeat(64)}`, "garbage"]) {
      expect(verifyWebhookSignature(secret, bad, body, 300, now)).toBe(false);
    }
  });
});

describe("generateWebhookSecret", () => {
  it("makes distinct secrets with 256 bits of randomness", () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
