import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// fvk_<8 public chars>_<43 secret chars>: the public part finds the row, the whole is hashed.
const PREFIX_RE = /^(fvk_[A-Za-z0-9]{8})_[A-Za-z0-9_-]{43}$/;

export function generateApiKeySecret(): { secret: string; prefix: string; hash: string } {
  const prefix = `fvk_${randomBytes(6).toString("base64url").replace(/[-_]/g, "x").slice(0, 8)}`;
  const secret = `${prefix}_${randomBytes(32).toString("base64url")}`;
  return { secret, prefix, hash: hashApiKeySecret(secret) };
}

export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function apiKeyPrefixOf(secret: string): string | null {
  return PREFIX_RE.exec(secret)?.[1] ?? null;
}

/** Whether `secret` hashes to the stored SHA-256 (raw bytes), compared in constant time. */
export function hashMatches(secret: string, storedHash: Buffer): boolean {
  const presented = createHash("sha256").update(secret).digest();
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}
