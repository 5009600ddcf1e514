"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/ui/api";
import type { getFileLifecycle } from "@/lib/lifecycle/file-lifecycle";

type Lifecycle = Awaited<ReturnType<typeof getFileLifecycle>>;

/** One line on the file page: what the lifecycle rules will do to this file next, and which rule (GET …/lifecycle). */
export function FileLifecycleLine({ fileId }: { fileId: string }) {
  const query = useQuery({ queryKey: ["file-lifecycle", fileId], queryFn: () => apiFetch<Lifecycle>(`/api/v1/files/${fileId}/lifecycle`) });
  if (query.isPending) return <span className="muted">Checking the rules…</span>;
  if (query.isError) return <span className="muted">Unavailable ({query.error.message})</span>;
  const { decidedBy, next, retention, archive } = query.data;
  // The other rule in play, when the one deciding is not it (the reason already names that one).
  const detail = [
    retention.rule && !(decidedBy.kind === "retention" && decidedBy.ruleId === retention.rule.id) && `Retention rule: ${retention.rule.name} (keep ${retention.rule.keepDays} days)`,
    archive.policy && archive.daysUntil !== null && !(decidedBy.kind === "archive" && decidedBy.ruleId === archive.policy.id) && `Archive rule: ${archive.policy.name} (in ${archive.daysUntil} days)`,
  ].filter(Boolean).join(" · ");
  return (
    <span data-testid="file-lifecycle" data-kind={decidedBy.kind}>
      {decidedBy.reason}
      {next && <span className="muted"> ({new Date(next.date).toLocaleDateString()})</span>}
      {detail && <span className="field-hint" style={{ display: "block" }}>{detail}</span>}
    </span>
  );
}
