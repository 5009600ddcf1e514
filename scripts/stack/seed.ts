import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { hashPassword } from "@/lib/auth/password";

export interface SeededAdmin {
  email: string;
  /** Only known when this call created the account or was given the password. */
  password: string | null;
  created: boolean;
}

/**
 * Makes sure an admin exists. With ADMIN_PASSWORD the account's password is (re)set to it; without,
 * a first start creates the account with a random password for the caller to print.
 */
export async function ensureAdmin(databaseUrl: string, opts: { email: string; password?: string }): Promise<SeededAdmin> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const email = opts.email.trim().toLowerCase();
    const [existing] = await sql<{ id: string }[]>`select id from users where email = ${email}`;
    if (existing) {
      if (opts.password) {
        await sql`update users set password_hash = ${await hashPassword(opts.password)}, role = 'admin', disabled_at = null, updated_at = now() where id = ${existing.id}`;
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
