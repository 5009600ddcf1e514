// /api/inngest — Inngest serve endpoint (functions run here)
import type { NextRequest } from "next/server";
import { serve } from "inngest/next";
import { observeRequest } from "@/lib/api/observe";
import { requestInfo } from "@/lib/api/request-info";
import { functions } from "@/inngest";
import { inngest } from "@/inngest/client";

const handler = serve({ client: inngest, functions });
const observed = (run: typeof handler.GET) => (req: NextRequest, ctx: unknown) => observeRequest(req, "/api/inngest", requestInfo(req), () => run(req, ctx));

export const GET = observed(handler.GET);
export const POST = observed(handler.POST);
export const PUT = observed(handler.PUT);
