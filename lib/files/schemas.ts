import { z } from "zod";
import { DECEPTIVE_CHARACTERS } from "./filename";

/** Shared by the API routes, the UI and (later) the OpenAPI document. */
export const categorySchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u, "Category may hold letters, digits, space, _ . -");

export const tagSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((t) => !/[,/\\]/.test(t), "Tags may not contain commas or slashes")
  .refine((t) => !DECEPTIVE_CHARACTERS.test(t), "Tags may not contain control or text-direction characters");
/** A SHA-256 digest as 64 lowercase hex digits. */
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, "checksum must be a SHA-256 digest in hex");

export const tagsSchema = z.array(tagSchema).max(50).transform((tags) => [...new Set(tags)]);
export const metadataSchema = z
  .record(z.string().max(128), z.unknown())
  .refine((m) => JSON.stringify(m).length <= 16 * 1024, "Metadata must be at most 16 KiB of JSON");

/**
 * The counting event a file documents, as the edge box names it. It becomes a path segment
 * (`/api/v1/events/{eventId}`, the event page), so no slashes, and like tags no control or text-direction characters.
 */
export const eventIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .refine((t) => !/[/\\]/.test(t), "Event ids may not contain slashes")
  .refine((t) => !DECEPTIVE_CHARACTERS.test(t), "Event ids may not contain control or text-direction characters");

/**
 * An upload names its event in its own `eventId` field or, like `cameraId`, inside its metadata; when both are
 * given they must agree. Returns the event id to store, or null.
 */
export function uploadEventId(rawField: string | undefined, metadata: Record<string, unknown> | undefined): string | null {
  const field = rawField === undefined ? undefined : eventIdSchema.parse(rawField);
  const fromMetadata = metadata?.eventId === undefined ? undefined : eventIdSchema.parse(metadata.eventId);
  if (field !== undefined && fromMetadata !== undefined && field !== fromMetadata) {
    throw new z.ZodError([{ code: "custom", path: ["eventId"], message: "eventId and metadata.eventId differ", input: field }]);
  }
  return field ?? fromMetadata ?? null;
}

export const fileIdSchema = z.uuid({ error: "File id must be a UUID." });

/** Tags arrive as `a,b`, as repeated parameters, or as a JSON array. */
export function parseTagList(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const t = v.trim();
    if (t.startsWith("[")) {
      const parsed = z.array(z.string()).safeParse(safeJson(t));
      if (!parsed.success) throw new z.ZodError([{ code: "custom", path: ["tags"], message: "tags must be a JSON array of strings or a comma-separated list", input: v }]);
      out.push(...parsed.data);
    } else out.push(...t.split(","));
  }
  return out.map((s) => s.trim()).filter(Boolean);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `capturedAt` orders by capture time, and by upload time for files without one (see lib/files/list.ts). */
export const SORT_FIELDS = ["name", "size", "uploadedAt", "lastModified", "capturedAt"] as const;

export const listFilesQuerySchema = z.object({
  category: categorySchema.optional(),
  tags: z.array(z.string()).optional().transform((v) => (v?.length ? tagsSchema.parse(parseTagList(v)) : undefined)),
  mimeType: z.string().trim().max(100).regex(/^[a-z0-9.+-]+(\/[a-z0-9.*+-]*)?$/i).optional(),
  q: z.string().trim().max(200).optional(),
  /** `trashed`: the caller's files in the trash (any processing status) instead of the live ones. */
  status: z.enum(["processing", "ready", "rejected", "quarantined", "failed", "trashed"]).optional(),
  cameraId: z.string().trim().max(128).optional(),
  siteId: z.string().trim().max(128).optional(),
  eventId: eventIdSchema.optional(),
  capturedFrom: z.iso.datetime({ offset: true }).optional(),
  capturedTo: z.iso.datetime({ offset: true }).optional(),
  sortBy: z.enum(SORT_FIELDS).default("uploadedAt"),
  sortOrder: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  /** `pagination.nextCursor` of the previous page: keyset paging at any depth (page is then ignored). */
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(24),
});
export type ListFilesQuery = z.output<typeof listFilesQuerySchema>;

/** `GET /api/v1/trash`: newest deletion first; `ownerId` narrows an admin's view to one owner. */
export const listTrashQuerySchema = z.object({
  ownerId: z.uuid({ error: "ownerId must be a UUID." }).optional(),
  /** `pagination.nextCursor` of the previous page. */
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(24),
});
export type ListTrashQuery = z.output<typeof listTrashQuerySchema>;

/** `DELETE /api/v1/files/{id}`: to the trash, or with `permanent=true` purged at once. */
export const deleteFileQuerySchema = z.object({
  permanent: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
});

export const createUploadSchema = z.object({
  /** A new version of this existing file instead of a new file (category, tags and metadata stay the file's). */
  fileId: fileIdSchema.optional(),
  filename: z.string().min(1).max(1024),
  size: z.number().int().min(0),
  mimeType: z.string().max(200).optional(),
  category: categorySchema.optional(),
  tags: tagsSchema.optional(),
  metadata: metadataSchema.optional(),
  eventId: eventIdSchema.optional(),
});
export type CreateUploadInput = z.output<typeof createUploadSchema>;

/** `PATCH /api/v1/files/{id}`: any of these, validated as at upload; `metadata` replaces the whole object. */
export const updateFileSchema = z
  .strictObject({
    filename: z.string().min(1).max(1024).optional(),
    category: categorySchema.optional(),
    tags: tagsSchema.optional(),
    metadata: metadataSchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), "Send at least one of filename, category, tags, metadata.");
export type UpdateFileInput = z.output<typeof updateFileSchema>;

/** A version number in a path (`/versions/{n}`). */
export const versionNumberSchema = z.coerce.number({ error: "Version must be a number." }).int().min(1).max(1_000_000);

export const signUploadRequestSchema = z.object({
  method: z.enum(["PUT", "POST", "GET", "DELETE"]),
  key: z.string().min(1).max(1024),
  uploadId: z.string().min(1).max(1024).optional(),
  partNumber: z.number().int().min(1).max(10000).optional(),
  contentType: z.string().max(200).optional(),
});
export type SignUploadRequestInput = z.output<typeof signUploadRequestSchema>;

export const CONVERSION_QUALITIES = ["50", "75", "90"] as const;
export const DEFAULT_CONVERSION_QUALITY = 75;

export const downloadQuerySchema = z.object({
  version: z.coerce.number().int().min(1).optional(),
  /**
   * Cache key of a variant URL: the id of the version it was made from, as `thumbnailUrl` and `variants[].url`
   * carry it. A variant asked for with the current version's key (or with `version`) is cached as immutable;
   * without one it is revalidated, since a new version can become current under the same URL.
   */
  v: z.uuid().optional(),
  disposition: z.enum(["attachment", "inline"]).default("attachment"),
  /** A derived image made by processing instead of the original. */
  variant: z.enum(["thumbnail", "preview", "poster"]).optional(),
  /** Convert an image on the way out; the result is cached and reused. */
  format: z.enum(["webp", "avif", "jpeg", "png"]).optional(),
  /** Lossy formats only; a few levels, so that one image has a few cached conversions, not hundreds. */
  quality: z
    .enum(CONVERSION_QUALITIES, { error: `quality must be one of ${CONVERSION_QUALITIES.join(", ")}` })
    .transform(Number)
    .default(DEFAULT_CONVERSION_QUALITY),
  /**
   * `true`: answer 302 to a short-lived presigned storage URL instead of streaming through the app; `false`:
   * always stream. Unset: redirect a browser (which follows redirects) for files of DOWNLOAD_REDIRECT_MIN_BYTES or more.
   */
  redirect: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
});

/** Ids one bulk request may name: a page of the grid many times over, small enough for one request's work. */
export const BULK_MAX_IDS = 500;
const bulkIdsSchema = z
  .array(fileIdSchema)
  .min(1, "Name at least one file id.")
  .max(BULK_MAX_IDS, `At most ${BULK_MAX_IDS} ids per request.`)
  .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]);

/** `POST /api/v1/files/bulk`: one action over many files, each applied (and audited) on its own. */
export const bulkActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("tag"), ids: bulkIdsSchema, tags: tagsSchema.pipe(z.array(z.string()).min(1, "Name at least one tag.")) }),
  z.object({ action: z.literal("untag"), ids: bulkIdsSchema, tags: tagsSchema.pipe(z.array(z.string()).min(1, "Name at least one tag.")) }),
  z.object({ action: z.literal("category"), ids: bulkIdsSchema, category: categorySchema }),
  z.object({ action: z.literal("delete"), ids: bulkIdsSchema }),
  z.object({ action: z.literal("restore"), ids: bulkIdsSchema }),
]);
export type BulkActionInput = z.output<typeof bulkActionSchema>;

/** `POST /api/v1/files/bulk-download`: the files to put in one ZIP, in this order. */
export const bulkDownloadSchema = z.object({ ids: bulkIdsSchema });
export type BulkDownloadInput = z.output<typeof bulkDownloadSchema>;
