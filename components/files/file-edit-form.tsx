"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent, type KeyboardEvent } from "react";
import { apiFetch } from "@/components/ui/api";
import { Alert } from "@/components/ui/feedback";
import type { FileDetail } from "./types";

interface Draft {
  filename: string;
  category: string;
  tags: string;
  metadata: string;
}

function draftOf(file: FileDetail): Draft {
  return { filename: file.filename, category: file.category, tags: file.tags.join(", "), metadata: JSON.stringify(file.metadata, null, 2) };
}

/** Only what the user changed goes to the server, so an untouched field can never be refused. */
function changesOf(file: FileDetail, draft: Draft): { changes: Record<string, unknown>; metadataError?: string } {
  const changes: Record<string, unknown> = {};
  if (draft.filename !== file.filename) changes.filename = draft.filename;
  if (draft.category.trim() !== file.category) changes.category = draft.category.trim();
  const tags = draft.tags.split(",").map((t) => t.trim()).filter(Boolean);
  if (JSON.stringify(tags) !== JSON.stringify(file.tags)) changes.tags = tags;
  let metadata: unknown;
  try {
    metadata = draft.metadata.trim() ? JSON.parse(draft.metadata) : {};
  } catch (err) {
    return { changes, metadataError: `Metadata is not valid JSON: ${(err as Error).message}` };
  }
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) return { changes, metadataError: "Metadata must be a JSON object, e.g. {\"cameraId\": \"cam-1\"}." };
  if (JSON.stringify(metadata) !== JSON.stringify(file.metadata)) changes.metadata = metadata;
  return { changes };
}

/**
 * Edit in place: filename, category, tags and metadata (JSON), saved with `PATCH /api/v1/files/{id}`,
 * which validates them as at upload and audits each change. Escape cancels.
 */
export function FileEditForm({ file, onDone }: { file: FileDetail; onDone: () => void }) {
  const queryClient = useQueryClient();
  const id = useId();
  const [draft, setDraft] = useState(() => draftOf(file));
  const [localError, setLocalError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (changes: Record<string, unknown>) => apiFetch<FileDetail>(`/api/v1/files/${file.fileId}`, { method: "PATCH", json: changes }),
    onSuccess: async (updated) => {
      queryClient.setQueryData(["file", file.fileId], updated);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["files"] }),
        queryClient.invalidateQueries({ queryKey: ["file-trail", file.fileId] }),
      ]);
      onDone();
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { changes, metadataError } = changesOf(file, draft);
    setLocalError(metadataError ?? null);
    if (metadataError) return;
    if (Object.keys(changes).length === 0) return onDone();
    save.mutate(changes);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && !save.isPending) {
      e.preventDefault();
      onDone();
    }
  };
  const set = (field: keyof Draft) => (e: { target: { value: string } }) => {
    // The server's refusal was about what was there before: editing clears it.
    if (save.isError) save.reset();
    setDraft((d) => ({ ...d, [field]: e.target.value }));
  };
  const error = localError ?? (save.isError ? save.error.message : null);

  return (
    <form className="stack" onSubmit={submit} onKeyDown={onKeyDown} aria-label="Edit file details" data-testid="file-edit-form" noValidate>
      <div className="field">
        <label htmlFor={`${id}-filename`}>Filename</label>
        <input id={`${id}-filename`} className="input" value={draft.filename} onChange={set("filename")} autoFocus required maxLength={255} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-category`}>Category</label>
        <input id={`${id}-category`} className="input" value={draft.category} onChange={set("category")} maxLength={64} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-tags`}>Tags</label>
        <input id={`${id}-tags`} className="input" value={draft.tags} onChange={set("tags")} aria-describedby={`${id}-tags-hint`} />
        <span id={`${id}-tags-hint`} className="field-hint">Comma-separated, up to 50.</span>
      </div>
      <div className="field">
        <label htmlFor={`${id}-metadata`}>Metadata (JSON)</label>
        <textarea
          id={`${id}-metadata`}
          className="input textarea mono"
          value={draft.metadata}
          onChange={set("metadata")}
          rows={6}
          spellCheck={false}
          aria-invalid={localError ? true : undefined}
          aria-describedby={`${id}-metadata-hint`}
        />
        <span id={`${id}-metadata-hint`} className="field-hint">A JSON object; cameraId and siteId are indexed. Replaces the whole object.</span>
      </div>
      {error && <Alert>{error}</Alert>}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save"}</button>
        <button type="button" className="btn" onClick={onDone} disabled={save.isPending}>Cancel</button>
      </div>
    </form>
  );
}
