import type { FileSummary } from "./types";

/** The WebP thumbnail processing made; an icon while processing runs or when there is none. */
export function MediaThumb({ file }: { file: FileSummary }) {
  if (file.thumbnailUrl) {
    return (
      <div className="media-thumb">
        {/* eslint-disable-next-line @next/next/no-img-element -- authorised API bytes, not a static asset */}
        <img src={new URL(file.thumbnailUrl).pathname + new URL(file.thumbnailUrl).search} alt="" loading="lazy" decoding="async" />
      </div>
    );
  }
  return (
    <div className="media-thumb" aria-hidden>
      <svg width="40" height="40" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5">
        {file.status === "quarantined" || file.status === "rejected" ? (
          <path d="M12 3l9 16H3zM12 10v4M12 17v.5" />
        ) : file.mimeType.startsWith("video/") ? (
          <path d="M15 10l4.5-2.5v9L15 14M4 7h11v10H4z" />
        ) : (
          <path d="M6 3h8l4 4v14H6zM14 3v4h4" />
        )}
      </svg>
    </div>
  );
}
