import { NextResponse, type NextRequest } from "next/server";

// Only sends visitors without a session cookie to the sign-in page. It does not authorise anything:
// pages, route handlers and server actions check the session and permissions themselves.
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export function proxy(req: NextRequest) {
  if (SESSION_COOKIES.some((name) => req.cookies.has(name))) return NextResponse.next();
  const url = new URL("/sign-in", req.nextUrl.origin);
  url.searchParams.set("callbackUrl", req.nextUrl.pathname + req.nextUrl.search);
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/", "/files/:path*", "/upload/:path*", "/admin/:path*", "/audit/:path*", "/settings/:path*", "/docs/:path*"],
};
