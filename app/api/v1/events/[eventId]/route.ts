// GET /api/v1/events/{eventId} — a counting event's media in capture order, with cameras, sites, time span and counts
import { withApi } from "@/lib/api/with-api";
import { getCountingEvent } from "@/lib/files/counting-events";
import { eventIdSchema } from "@/lib/files/schemas";

export const GET = withApi<{ eventId: string }>(
  async ({ ctx, params }) => getCountingEvent(ctx, eventIdSchema.parse(params.eventId)),
  { permission: "files.read" },
);
