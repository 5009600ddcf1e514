"use client";

import { useCallback, useRef, useState } from "react";
import type { FileSummary } from "./types";

/**
 * Files picked in the grid, kept by id (with the summary, to name them in reports) across pages. A click
 * toggles one file; a shift-click (or Shift+Space) sets every file between the last one touched and this
 * one, on this page, to this one's new state, as mail clients do.
 */
export function useSelection() {
  const [selected, setSelected] = useState<Map<string, FileSummary>>(new Map());
  const anchor = useRef<string | null>(null);

  const toggle = useCallback((file: FileSummary, pageFiles: FileSummary[], range: boolean) => {
    // Read now: the updater runs later, after the anchor has moved to this file.
    const start = range ? anchor.current : null;
    setSelected((prev) => {
      const next = new Map(prev);
      const on = !prev.has(file.fileId);
      const from = start ? pageFiles.findIndex((f) => f.fileId === start) : -1;
      const to = pageFiles.findIndex((f) => f.fileId === file.fileId);
      const span = from >= 0 && to >= 0 ? pageFiles.slice(Math.min(from, to), Math.max(from, to) + 1) : [file];
      for (const f of span) {
        if (on) next.set(f.fileId, f);
        else next.delete(f.fileId);
      }
      return next;
    });
    anchor.current = file.fileId;
  }, []);

  const setPage = useCallback((pageFiles: FileSummary[], on: boolean) => {
    setSelected((prev) => {
      const next = new Map(prev);
      for (const f of pageFiles) {
        if (on) next.set(f.fileId, f);
        else next.delete(f.fileId);
      }
      return next;
    });
  }, []);

  const clear = useCallback(() => {
    setSelected(new Map());
    anchor.current = null;
  }, []);

  /** Unselects these ids (files an action moved out of the view). */
  const drop = useCallback((ids: string[]) => {
    setSelected((prev) => {
      const next = new Map(prev);
      for (const id of ids) next.delete(id);
      return next;
    });
  }, []);

  return { selected, toggle, setPage, clear, drop };
}
