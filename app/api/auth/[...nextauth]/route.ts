// /api/auth/* — Auth.js sign-in, sign-out, session and CSRF endpoints
import type { NextRequest } from "next/server";
import { observeRequest } from "@/lib/api/observe";
import { requestInfo } from "@/lib/api/request-info";
import { handlers } from "@/lib/auth";

const ROUTE = "/api/auth/[...nextauth]";

export async function GET(req: NextRequest) {
  return observeRequest(req, ROUTE, requestInfo(req), () => handlers.GET(req));
}

export async function POST(req: NextRequest) {
  return observeRequest(req, ROUTE, requestInfo(req), () => handlers.POST(req));
}
