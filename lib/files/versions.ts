import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db/client";
import { apiKeys, blobs, files, fileVariants, fileVersions, processingJobs, users, type FileRow, type FileVersionRow } from "@/db/schema";
import { conflict, notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import { actorHas, type ServiceContext } from "@/lib/auth/actor";
import { findVisibleFile, lockVisibleFile } from "./lookup";
import { downloadUrl } from "./serialize";
import { enqueueCurrentVersionChange, requestCdnInvalidationRun } from "@/lib/cdn/queue";

export interface StoredVersion {
  fileId: string;
  versionId: string;
  objectKey: string;
  size: number;
  mimeType: string;
  storageEtag: string | null;
  expectedSha256?: string;
  via: "browser" | "api";
}

/** Who made a version, as the caller may see it (the file trail's rule: other people only by role words). */
interface Uploader {
  type: "user" | "apiKey" | "system";
  id: string | null;
  name: string;
}

function createdByOf(ctx: ServiceContext) {
  return {
    createdBy: ctx.actor.type === "user" ? ctx.actor.userId : null,
    createdByKeyId: ctx.actor.type === "apiKey" ? ctx.actor.keyId : null,
  };
}

async function nextVersionNumber(tx: Tx, fileId: string): Promise<number> {
  const [row] = await tx.select({ max: sql<number>`coalesce(max(${fileVersions.version}), 0)::int` }).from(fileVersions).where(eq(fileVersions.fileId, fileId));
  return row.max + 1;
}

/**
 * Records an object already in the bucket as the next version of a file, in `tx`: `processing`, not
 * current. Processing makes it current once it passes (recordProcessingOutcome); the previous version
 * stays current and downloadable until then, and for good if it fails.
 */
export async function recordNewVersion(tx: Tx, ctx: ServiceContext, upload: StoredVersion): Promise<{ file: FileRow; version: FileVersionRow }> {
  const file = await lockVisibleFile(ctx, tx, upload.fileId);
  const number = await nextVersionNumber(tx, file.id);
  const [version] = await tx
    .insert(fileVersions)
    .values({
      id: upload.versionId,
      fileId: file.id,
      version: number,
      objectKey: upload.objectKey,
      size: upload.size,
      mimeType: upload.mimeType,
      storageEtag: upload.storageEtag,
      expectedSha256: upload.expectedSha256 ?? null,
      status: "processing",
      ...createdByOf(ctx),
    })
    .returning();
  await tx.insert(processingJobs).values({ kind: "process-file", fileId: file.id, versionId: version.id });
  await recordAuditEvent({ ...ctx, tx }, {
    action: "file.version.upload",
    fileId: file.id,
    details: { version: number, size: upload.size, mimeType: upload.mimeType, via: upload.via },
  });
  return { file, version };
}

/**
 * `POST /api/v1/files/{id}/versions/{n}/restore`: makes version n's content current again by recording a
 * new version that points at the same stored object (no byte is copied; the blob gains a reference, and
 * the restore counts nothing against the quota since it stores nothing). Its variants are shared the same
 * way. Only a version that passed processing can be restored.
 */
export async function restoreVersion(ctx: ServiceContext, input: { fileId: string; version: number }) {
  const restored = await getDb().transaction(async (tx) => {
    const file = await lockVisibleFile(ctx, tx, input.fileId);
    const [source] = await tx.select().from(fileVersions).where(and(eq(fileVersions.fileId, file.id), eq(fileVersions.version, input.version)));
    if (!source) throw notFound("Version");
    if (source.status !== "ready") throw conflict(`Version ${source.version} is ${source.status} and cannot be restored.`);
    // Ready content always sits in its content-addressed blob (processing moved it there): take a reference.
    const counted = source.checksumSha256
      ? await tx
          .update(blobs)
          .set({ refCount: sql`${blobs.refCount} + 1`, updatedAt: new Date() })
          .where(and(eq(blobs.sha256, source.checksumSha256), eq(blobs.objectKey, source.objectKey)))
          .returning({ sha256: blobs.sha256 })
      : [];
    if (counted.length === 0) throw conflict(`Version ${source.version} has no stored content to restore.`);
    const number = await nextVersionNumber(tx, file.id);
    const [version] = await tx
      .insert(fileVersions)
      .values({
        id: randomUUID(),
        fileId: file.id,
        version: number,
        objectKey: source.objectKey,
        size: source.size,
        mimeType: source.mimeType,
        checksumSha256: source.checksumSha256,
        storageEtag: source.storageEtag,
        status: "ready",
        mediaInfo: source.mediaInfo,
        restoredFrom: source.version,
        ...createdByOf(ctx),
      })
      .returning();
    // Derived images are immutable objects: the new version's rows point at the same keys.
    await tx.execute(sql`
      insert into ${fileVariants} (version_id, name, object_key, content_type, size, width, height)
      select ${version.id}, name, object_key, content_type, size, width, height from ${fileVariants}
      where version_id = ${source.id} and name not like 'convert-%'`);
    await makeCurrent(tx, file.id, version);
    await enqueueCurrentVersionChange(tx, file.id, `restore:${version.id}`);
    await recordAuditEvent({ ...ctx, tx }, {
      action: "file.version.restore",
      fileId: file.id,
      details: { version: number, restoredFrom: source.version, checksum: source.checksumSha256, previousVersionId: file.currentVersionId },
    });
    return version;
  });
  await requestCdnInvalidationRun();
  const [info] = await readVersionInfos(ctx, input.fileId, restored.id);
  return info;
}

/** Points the file at `version` and takes over its content facts (size, type, checksum, media); in `tx`. */
export async function makeCurrent(tx: Tx, fileId: string, version: FileVersionRow): Promise<FileRow | undefined> {
  const capturedAt = version.mediaInfo?.capturedAt ? new Date(version.mediaInfo.capturedAt) : undefined;
  const [file] = await tx
    .update(files)
    .set({
      currentVersionId: version.id,
      size: version.size,
      mimeType: version.mimeType,
      checksumSha256: version.checksumSha256,
      mediaInfo: version.mediaInfo,
      ...(capturedAt ? { capturedAt } : {}),
      status: "ready",
      statusReason: null,
      updatedAt: new Date(),
    })
    .where(eq(files.id, fileId))
    .returning();
  return file;
}

/** `GET /api/v1/files/{id}/versions`: every version, newest first. */
export async function listFileVersions(ctx: ServiceContext, fileId: string) {
  const file = await findVisibleFile(ctx, fileId);
  return { fileId: file.id, versions: await readVersionInfos(ctx, file.id) };
}

/** The versions of a file (or one of them) with who made them, as the API returns them. */
export async function readVersionInfos(ctx: ServiceContext, fileId: string, versionId?: string) {
  const rows = await getDb()
    .select({
      version: fileVersions,
      current: sql<boolean>`${files.currentVersionId} = ${fileVersions.id}`,
      user: { id: users.id, name: users.name, email: users.email, role: users.role },
      key: { id: apiKeys.id, name: apiKeys.name, ownerId: apiKeys.ownerId },
    })
    .from(fileVersions)
    .innerJoin(files, eq(files.id, fileVersions.fileId))
    .leftJoin(users, eq(users.id, fileVersions.createdBy))
    .leftJoin(apiKeys, eq(apiKeys.id, fileVersions.createdByKeyId))
    .where(and(eq(fileVersions.fileId, fileId), versionId ? eq(fileVersions.id, versionId) : undefined))
    .orderBy(desc(fileVersions.version));
  const viewer = ctx.actor.type === "system" ? null : ctx.actor.userId;
  const seesEveryone = actorHas(ctx.actor, "files.manage_all");
  return rows.map(({ version: v, current, user, key }) => {
    let uploader: Uploader;
    if (key?.id) {
      const mine = seesEveryone || key.ownerId === viewer;
      uploader = { type: "apiKey", id: mine ? key.id : null, name: mine ? `API key "${key.name}"` : "an API key" };
    } else if (user?.id) {
      const visible = seesEveryone || user.id === viewer;
      uploader = { type: "user", id: visible ? user.id : null, name: visible ? user.name || user.email : user.role === "admin" ? "an administrator" : "another user" };
    } else uploader = { type: "system", id: null, name: "a system process" };
    return {
      version: v.version,
      size: v.size,
      mimeType: v.mimeType,
      checksum: v.checksumSha256,
      status: v.status,
      statusReason: v.statusReason,
      current: Boolean(current),
      restoredFrom: v.restoredFrom,
      uploadedBy: uploader,
      createdAt: v.createdAt.toISOString(),
      url: downloadUrl(fileId, v.version),
    };
  });
}

export type VersionInfo = Awaited<ReturnType<typeof readVersionInfos>>[number];
