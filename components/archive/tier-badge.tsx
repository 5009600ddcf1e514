const LABELS: Record<string, string> = { GLACIER: "Glacier", DEEP_ARCHIVE: "Deep Archive", STANDARD_IA: "Infrequent" };

/** The archive tier of a file's content; nothing for STANDARD (hot) files. */
export function TierBadge({ storageClass }: { storageClass: string }) {
  if (!LABELS[storageClass]) return null;
  return (
    <span className="badge badge-archive" data-testid="tier-badge" data-class={storageClass} title={`Archived in ${LABELS[storageClass]}: retrieve it to download`}>
      {LABELS[storageClass]}
    </span>
  );
}
