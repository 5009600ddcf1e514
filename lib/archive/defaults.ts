import type { z } from "zod";
import type { archivePolicySchema } from "./schemas";

/** The spec's rules, as migration 0023 seeds them (the dashboard's "reset" and the tests use this list). */
export const DEFAULT_ARCHIVE_POLICIES: z.infer<typeof archivePolicySchema>[] = [
  { id: "archive-old-files", name: "Old and unread", enabled: true, minAgeDays: 90, minUnreadDays: 30, minSizeBytes: null, destination: "GLACIER" },
  { id: "archive-very-old-files", name: "Older than a year", enabled: true, minAgeDays: 365, minUnreadDays: null, minSizeBytes: null, destination: "DEEP_ARCHIVE" },
  { id: "archive-large-files", name: "Large files", enabled: true, minAgeDays: 30, minUnreadDays: null, minSizeBytes: 100 * 1024 * 1024, destination: "GLACIER" },
  { id: "archive-inactive-files", name: "Unread for 60 days", enabled: true, minAgeDays: null, minUnreadDays: 60, minSizeBytes: null, destination: "GLACIER" },
];
