import "server-only";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { env } from "@/lib/env";
import { mediaBucket, s3 } from "@/lib/storage/s3";
import { contentDisposition } from "./filename";

export interface RedirectTarget {
  objectKey: string;
  filename: string;
  mimeType: string;
  disposition: "attachment" | "inline";
}

/**
 * A GET URL for the browser-reachable endpoint that S3 answers with the same Content-Disposition and
 * Content-Type the app would send. Callers check the file is servable and audit the access first.
 */
export function presignedDownloadUrl(target: RedirectTarget, expiresIn = env().DOWNLOAD_REDIRECT_EXPIRES_SECONDS): Promise<string> {
  return getSignedUrl(
    s3().presign,
    new GetObjectCommand({
      Bucket: mediaBucket(),
      Key: target.objectKey,
      ResponseContentDisposition: contentDisposition(target.filename, target.disposition),
      ResponseContentType: target.mimeType,
      ResponseCacheControl: "private, no-cache",
    }),
    { expiresIn },
  );
}
