import type { Metadata } from "next";
import { requirePermission } from "@/lib/auth/current-user";
import { EventTimeline } from "./_components/event-timeline";

export const metadata: Metadata = { title: "Counting event" };

export default async function EventPage({ params }: { params: Promise<{ eventId: string }> }) {
  await requirePermission("files.read");
  const { eventId } = await params;
  return <EventTimeline eventId={decodedSegment(eventId)} />;
}

/** The segment as the link encoded it; one that is not valid percent-encoding (a bare "%") is taken as it is. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
