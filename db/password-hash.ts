// The format of `users.password_hash`, shared by the app (lib/auth/password.ts) and the stack's seeding
// (scripts/stack/seed.ts), which runs outside Next.js and must not import the app's lib/. It depends only
// on Node and @node-rs/argon2, so both sides can load it.
import { hash, verify } from "@node-rs/argon2";
import { scrypt as scryptCb, timingSafeEqual } from "node:crypto";

/** argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane); the PHC string keeps them. */
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** Whether a stored hash was made with other parameters (or the old scrypt format) and should be replaced. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(CURRENT_PREFIX);
}

const scrypt = (password: string, salt: Buffer, keylen: number, opts: { N: number; r: number; p: number }) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, { ...opts, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );

/** Checks argon2id hashes and the scrypt hashes (`scrypt$N$r$p$salt$hash`) written before them. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  if (stored?.startsWith("$argon2")) {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }
  const parts = stored?.split("$");
  if (!parts || parts.length !== 6 || parts[0] !== "scrypt") {
    // Spend comparable time so unknown accounts and SSO-only accounts are not distinguishable by timing.
    await hashPassword(password);
    return false;
  }
  const [, N, r, p, salt, key] = parts;
  const expected = Buffer.from(key, "base64");
  const actual = await scrypt(password, Buffer.from(salt, "base64"), expected.length, { N: Number(N), r: Number(r), p: Number(p) });
  return timingSafeEqual(actual, expected);
}
