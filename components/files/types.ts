import type { FileDetail, FileSummary } from "@/lib/files/serialize";

export type { FileDetail, FileSummary };

export interface FileListResponse {
  files: FileSummary[];
  pagination: { page: number | null; limit: number; total: number; totalPages: number; totalExact: boolean; nextCursor: string | null };
}
