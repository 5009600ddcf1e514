import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Framevault-Signature";
export const EVENT_HEADER = "Framevault-Event";
export const DELIVERY_HEADER = "Framevault-Delivery";

/** 32 random bytes; the prefix lets people (and secret scanners) tell what the string is. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/**
 * The `Framevault-Signature` value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. The
 * timestamp is signed too, so a captured delivery cannot be replayed later with a fresh `t`.
 */
export function signWebhookBody(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/**
 * For receivers: true when `header` carries a `v1` signature of exactly these body bytes made with
 * `secret`, at most `toleranceSec` away from now. Several `v1` entries are accepted (any may match),
 * so a receiver keeps working while a secret is being replaced.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  toleranceSec = 300,
  nowSec = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && /^\d+$/.test(value ?? "")) timestamp = Number(value);
    else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value ?? "")) candidates.push(value.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(nowSec - timestamp) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), "hex");
  // Compared in constant time so the response time leaks nothing about how much of a guess matched.
  return candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate, "hex"), expected));
}
