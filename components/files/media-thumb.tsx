import type { FileSummary } from "./types";

/** Image files show the image itself; other media get an icon until variants exist. */
export function MediaThumb({ file }: { file: FileSummary }) {
  const servable = file.status === "ready" || file.status === "processing";
  if (servable && file.mimeType.startsWith("image/")) {
    return (
      <div className="media-thumb">
        {/* eslint-disable-next-line @next/next/no-img-element -- authorised API bytes, not a static asset */}
        <img src={`/api/v1/files/${file.fileId}/download?disposition=inline`} alt="" loading="lazy" decoding="async" />
      </div>
    );
  }
  return (
    <div className="media-thumb" aria-hidden>
      <svg width="40" height="40" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5">
        {file.mimeType.startsWith("video/") ? (
          <path d="M15 10l4.5-2.5v9L15 14M4 7h11v10H4z" />
        ) : (
          <path d="M6 3h8l4 4v14H6zM14 3v4h4" />
        )}
      </svg>
    </div>
  );
}
