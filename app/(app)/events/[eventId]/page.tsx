import type { Metadata } from "next";
import { requirePermission } from "@/lib/auth/current-user";
import { EventTimeline } from "./_components/event-timeline";

export const metadata: Metadata = { title: "Counting event" };

export default async function EventPage({ params }: { params: Promise<{ eventId: string }> }) {
  await requirePermission("files.read");
  const { eventId } = await params;
  return <EventTimeline eventId={decodeURIComponent(eventId)} />;
}
