// GET /api/health — the readiness check (same as /api/health/ready), kept for existing monitors
export { GET } from "./ready/route";

export const dynamic = "force-dynamic";
