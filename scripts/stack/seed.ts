import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { hashPassword, verifyPassword } from "../../db/password-hash";

export interface SeededAdmin {
  email: string;
  /** Only known when this call created the account or was given the password. */
  password: string | null;
  created: boolean;
}

/**
 * Makes sure an admin exists. With ADMIN_PASSWORD the account's password is (re)set to it; without,
 * a first start creates the account with a random password for the caller to print. Changing the password
 * ends the account's existing sessions, as any password change does.
 */
export async function ensureAdmin(databaseUrl: string, opts: { email: string; password?: string }): Promise<SeededAdmin> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const email = opts.email.trim().toLowerCase();
    const [existing] = await sql<{ id: string; password_hash: string | null }[]>`select id, password_hash from users where email = ${email}`;
    if (existing) {
      if (opts.password && (await verifyPassword(opts.password, existing.password_hash))) {
        await sql`update users set role = 'admin', disabled_at = null, updated_at = now() where id = ${existing.id}`;
      } else if (opts.password) {
        await sql`update users set password_hash = ${await hashPassword(opts.password)}, session_version = session_version + 1, role = 'admin', disabled_at = null, updated_at = now() where id = ${existing.id}`;
      }
      return { email, password: opts.password ?? null, created: false };
    }
    const password = opts.password ?? randomBytes(12).toString("base64url");
    await sql`insert into users (email, name, role, password_hash) values (${email}, 'Administrator', 'admin', ${await hashPassword(password)})`;
    return { email, password, created: true };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
