import "server-only";
import { Transform, type Readable } from "node:stream";
import { Upload } from "@aws-sdk/lib-storage";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { fileVariants, type FileVariant, type FileVersionRow } from "@/db/schema";
import { ApiError, badRequest } from "@/lib/api/errors";
import { actorId, type ServiceContext } from "@/lib/auth/actor";
import { convertImage, ImageTooLargeError, isPixelLimitError, type ImageOutputFormat } from "@/lib/processing/image";
import { enforceRateLimit } from "@/lib/rate-limit/limits";
import { IMMUTABLE_CACHE_CONTROL, mediaBucket, s3, variantObjectKey } from "@/lib/storage/s3";
import { conversionGate } from "./conversion-gate";
import { readObject } from "./stored-object";

export const CONVERSION_CONTENT_TYPES: Record<ImageOutputFormat, string> = { webp: "image/webp", avif: "image/avif", jpeg: "image/jpeg", png: "image/png" };
export const CONVERSION_EXTENSIONS: Record<ImageOutputFormat, string> = { webp: "webp", avif: "avif", jpeg: "jpg", png: "png" };

export interface ConversionInput {
  version: FileVersionRow;
  format: ImageOutputFormat;
  quality: number;
}

export async function findVariant(versionId: string, name: string): Promise<FileVariant | null> {
  const [row] = await getDb().select().from(fileVariants).where(and(eq(fileVariants.versionId, versionId), eq(fileVariants.name, name)));
  return row ?? null;
}

// Conversions under way in this process, by version and variant name: later requests for the same
// variant wait for that one instead of starting their own.
const globalForFlights = globalThis as unknown as { framevaultConversions?: Map<string, Promise<"hit" | "miss">> };
const inFlight = () => (globalForFlights.framevaultConversions ??= new Map());

/**
 * Makes sure the converted variant exists and names it; `miss` when this request made it. A miss
 * costs the actor a point of the conversion rate limit and waits for one of the process's few
 * conversion slots (503 with Retry-After when none frees up soon); concurrent requests for the same
 * variant share one conversion and then all read the cached object.
 */
export async function ensureConversion(ctx: ServiceContext, input: ConversionInput): Promise<{ name: string; cache: "hit" | "miss" }> {
  return ensure(ctx, input, false);
}

async function ensure(ctx: ServiceContext, input: ConversionInput, retried: boolean): Promise<{ name: string; cache: "hit" | "miss" }> {
  const { version, format, quality } = input;
  if (!version.mimeType.startsWith("image/")) throw badRequest("Only images can be converted to another format.", "not_convertible");
  const name = format === "png" ? "convert-png" : `convert-${format}-q${quality}`;
  if (await findVariant(version.id, name)) return { name, cache: "hit" };

  const key = `${version.id}/${name}`;
  const running = inFlight().get(key);
  if (running) {
    const failure = await running.then(
      () => null,
      (err: unknown) => err,
    );
    if (failure === null) return { name, cache: "hit" };
    // Refused on the first requester's account (its rate limit, no free slot): try once on ours.
    if (!retried && failure instanceof ApiError && (failure.status === 429 || failure.status === 503)) return ensure(ctx, input, true);
    throw failure;
  }
  const flight = convertOnce(ctx, input, name);
  inFlight().set(key, flight);
  try {
    return { name, cache: await flight };
  } finally {
    inFlight().delete(key);
  }
}

async function convertOnce(ctx: ServiceContext, input: ConversionInput, name: string): Promise<"hit" | "miss"> {
  // Another request may have finished this variant between our cache lookup and now.
  if (await findVariant(input.version.id, name)) return "hit";
  await enforceRateLimit("conversion", [`actor:${actorId(ctx.actor)}`]);
  await conversionGate().run(() => convertAndStore(input, name));
  return "miss";
}

/** Original → sharp → S3 as one stream: neither the original nor the result is held whole by the app. */
async function convertAndStore({ version, format, quality }: ConversionInput, name: string): Promise<void> {
  const objectKey = variantObjectKey(version.id, name, CONVERSION_EXTENSIONS[format]);
  const source: Readable = await readObject(version.objectKey);
  const converted = convertImage(source, { format, quality });
  let width: number | null = null;
  let height: number | null = null;
  let size = 0;
  converted.once("info", (info: { width: number; height: number }) => ({ width, height } = info));
  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(null, chunk);
    },
  });
  converted.once("error", (err) => body.destroy(err));
  converted.pipe(body);
  try {
    await new Upload({
      client: s3().internal,
      params: { Bucket: mediaBucket(), Key: objectKey, Body: body, ContentType: CONVERSION_CONTENT_TYPES[format], CacheControl: IMMUTABLE_CACHE_CONTROL },
      leavePartsOnError: false,
    }).done();
  } catch (err) {
    if (isPixelLimitError(err)) throw new ApiError(422, "image_too_large", `${new ImageTooLargeError().message} It cannot be converted; download the original.`);
    throw new ApiError(422, "conversion_failed", `The image could not be converted: ${(err as Error).message}`);
  } finally {
    source.destroy();
  }
  const row = { objectKey, contentType: CONVERSION_CONTENT_TYPES[format], size, width, height };
  await getDb()
    .insert(fileVariants)
    .values({ versionId: version.id, name, ...row })
    .onConflictDoUpdate({ target: [fileVariants.versionId, fileVariants.name], set: row });
}
