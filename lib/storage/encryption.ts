import type { S3Client } from "@aws-sdk/client-s3";

export type SseMode = "AES256" | "aws:kms" | "none";

// Every command that creates object data. Encryption is added here once, so no call site can forget it.
const WRITE_COMMANDS = new Set(["PutObjectCommand", "CreateMultipartUploadCommand", "CopyObjectCommand"]);

/** Asks S3 for server-side encryption on every write this client makes, presigned requests included. */
export function requestEncryptionOnWrites(client: S3Client, mode: SseMode, kmsKeyId?: string): void {
  if (mode === "none") return;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITE_COMMANDS.has(context.commandName ?? "")) {
        const input = args.input as { ServerSideEncryption?: string; SSEKMSKeyId?: string };
        input.ServerSideEncryption ??= mode;
        if (mode === "aws:kms" && kmsKeyId) input.SSEKMSKeyId ??= kmsKeyId;
      }
      return next(args);
    },
    { step: "initialize", name: "framevaultServerSideEncryption" },
  );
}

/** Headers a browser must send with a presigned write, because they are part of its signature. */
export function encryptionHeaders(mode: SseMode, kmsKeyId?: string): Record<string, string> {
  if (mode === "none") return {};
  return {
    "x-amz-server-side-encryption": mode,
    ...(mode === "aws:kms" && kmsKeyId ? { "x-amz-server-side-encryption-aws-kms-key-id": kmsKeyId } : {}),
  };
}
