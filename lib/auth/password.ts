// Password hashing lives in db/password-hash.ts because the stack's seeding (outside the app) writes the
// same column; the app imports it from here.
export { hashPassword, needsRehash, verifyPassword } from "@/db/password-hash";
