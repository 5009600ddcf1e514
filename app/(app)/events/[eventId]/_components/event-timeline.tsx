"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { apiFetch, ApiRequestError } from "@/components/ui/api";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import { StatusBadge } from "@/components/ui/status-badge";
import { MediaThumb } from "@/components/files/media-thumb";
import type { CountingEvent, EventMedia } from "@/lib/files/counting-events";

const timeFormat: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", second: "2-digit" };

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** "14:02:03 – 14:02:41 (38 s)", with the date when the event spans days or is not today. */
function timeSpan(event: CountingEvent): string {
  if (!event.firstCapturedAt || !event.lastCapturedAt) return "Capture time not known yet";
  const first = new Date(event.firstCapturedAt);
  const last = new Date(event.lastCapturedAt);
  const day = first.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
  const span = last.getTime() - first.getTime();
  if (span === 0) return `${day}, ${first.toLocaleTimeString(undefined, timeFormat)}`;
  return `${day}, ${first.toLocaleTimeString(undefined, timeFormat)} – ${last.toLocaleTimeString(undefined, timeFormat)} (${seconds(span)})`;
}

function TimelineItem({ media, start }: { media: EventMedia; start: number | null }) {
  const captured = media.capturedAt ? new Date(media.capturedAt) : null;
  const offset = captured && start !== null ? captured.getTime() - start : null;
  const label = `${media.kind === "video" ? "Clip" : media.kind === "image" ? "Snapshot" : "File"} ${media.filename}${captured ? `, captured ${captured.toLocaleTimeString(undefined, timeFormat)}` : ""}${media.cameraId ? `, camera ${media.cameraId}` : ""}`;
  return (
    <li className="timeline-item" data-testid="event-media" data-file-id={media.fileId}>
      <Link href={`/files/${media.fileId}`} className="media-card timeline-card" aria-label={label}>
        <div className="timeline-thumb">
          <MediaThumb file={media} />
          <span className={`timeline-kind timeline-kind-${media.kind}`}>
            {media.kind === "video" ? `Clip${media.durationSeconds ? ` · ${seconds(media.durationSeconds * 1000)}` : ""}` : media.kind === "image" ? "Snapshot" : "File"}
          </span>
        </div>
        <div className="media-body">
          <div className="timeline-time">
            <time dateTime={media.capturedAt ?? undefined}>{captured ? captured.toLocaleTimeString(undefined, timeFormat) : "Time unknown"}</time>
            {offset !== null && offset > 0 && <span className="muted"> +{seconds(offset)}</span>}
          </div>
          <div className="media-meta">
            <span>{media.cameraId ? `Camera ${media.cameraId}` : "No camera"}</span>
            {media.status !== "ready" && <StatusBadge status={media.status} />}
          </div>
          <div className="media-name muted" title={media.filename}>{media.filename}</div>
        </div>
      </Link>
    </li>
  );
}

/** A counting event's snapshots and clips side by side, in capture order. */
export function EventTimeline({ eventId }: { eventId: string }) {
  const query = useQuery({
    queryKey: ["event", eventId],
    queryFn: () => apiFetch<CountingEvent>(`/api/v1/events/${encodeURIComponent(eventId)}`),
    // Capture times and thumbnails arrive with processing.
    refetchInterval: (q) => (q.state.data?.files.some((f) => f.status === "processing") ? 2000 : false),
    retry: (count, err) => !(err instanceof ApiRequestError && err.status < 500) && count < 2,
  });

  if (query.isPending) return <div className="row"><Spinner /> <span className="muted">Loading event…</span></div>;
  if (query.isError) {
    const missing = query.error instanceof ApiRequestError && query.error.status === 404;
    return missing ? (
      <EmptyState title="Event not found" action={<Link className="btn" href="/files">Back to files</Link>}>
        No file of this event is yours to see.
      </EmptyState>
    ) : (
      <Alert>Could not load the event: {query.error.message}</Alert>
    );
  }
  const event = query.data;
  const start = event.firstCapturedAt ? new Date(event.firstCapturedAt).getTime() : null;
  const { counts } = event;
  return (
    <div className="stack">
      <div className="page-header">
        <div style={{ minWidth: 0 }}>
          <Link href="/files" className="muted">← Files</Link>
          <h1 style={{ wordBreak: "break-all" }}>Event {event.eventId}</h1>
          <p data-testid="event-span">{timeSpan(event)}</p>
        </div>
      </div>
      <section className="card" aria-label="Event summary">
        <dl className="dl event-summary">
          <dt>Media</dt>
          <dd data-testid="event-counts">
            {[plural(counts.image, "snapshot", "snapshots"), plural(counts.video, "clip", "clips"), ...(counts.other ? [plural(counts.other, "other file", "other files")] : [])].join(" · ")}
          </dd>
          <dt>{event.cameras.length === 1 ? "Camera" : "Cameras"}</dt>
          <dd>{event.cameras.length ? event.cameras.map((c) => <span key={c} className="tag">{c}</span>) : <span className="muted">None recorded</span>}</dd>
          <dt>{event.sites.length === 1 ? "Site" : "Sites"}</dt>
          <dd>{event.sites.length ? event.sites.map((s) => <span key={s} className="tag">{s}</span>) : <span className="muted">None recorded</span>}</dd>
        </dl>
      </section>
      {event.truncated && <Alert kind="info">Showing the first {event.files.length} of {counts.total} files.</Alert>}
      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">Time line</h2>
        {/* Focusable, so the keyboard can scroll it sideways when it overflows. */}
        <div className="timeline-scroll" tabIndex={0} role="region" aria-label="Media in capture order">
          <ol className="timeline" data-testid="event-timeline">
            {event.files.map((f) => <TimelineItem key={f.fileId} media={f} start={start} />)}
          </ol>
        </div>
      </section>
    </div>
  );
}
