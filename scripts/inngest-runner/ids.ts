import { randomBytes } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID, the id format Inngest uses for events and runs, so ids look the same as in the dev server. */
export function ulid(now = Date.now()): string {
  let time = "";
  for (let i = 0, t = now; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  const random = Array.from(randomBytes(16), (byte) => CROCKFORD[byte % 32]).join("");
  return time + random;
}
