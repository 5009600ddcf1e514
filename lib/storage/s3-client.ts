import { S3Client } from "@aws-sdk/client-s3";

// The one place an S3 client is configured: the media store (lib/storage/s3.ts), the backup stores
// (lib/backup/store.ts), a restore's source (lib/backup/restore/source.ts), the dev/test stack and the bench.
// No "server-only" here: the stack scripts import it too.

export interface S3Connection {
  /** Omitted: AWS's own endpoint for the region. */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3Pool {
  /** Sockets per client (the SDK's default agent allows 50; a burst of parts and downloads queues behind them). */
  maxSockets?: number;
  /** Longest wait for response headers (a stuck S3); not a limit on how long a large transfer runs. */
  requestTimeoutMs?: number;
  /** Longest idle time of a socket mid-body. */
  socketTimeoutMs?: number;
}

export function makeS3Client(c: S3Connection, pool: S3Pool = {}): S3Client {
  const agent = { keepAlive: true, maxSockets: pool.maxSockets ?? 50 };
  return new S3Client({
    ...(c.endpoint ? { endpoint: c.endpoint } : {}),
    region: c.region,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
    // Path style works on every S3 (RGW, MinIO, AWS). The checksum settings keep streamed uploads and presigned
    // URLs free of checksums the SDK would otherwise compute over a body it does not have.
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // Kept-alive sockets skip a TCP handshake per request.
    requestHandler: {
      httpAgent: agent,
      httpsAgent: agent,
      connectionTimeout: 5_000,
      requestTimeout: pool.requestTimeoutMs ?? 60_000,
      throwOnRequestTimeout: true,
      socketTimeout: pool.socketTimeoutMs ?? 120_000,
    },
  });
}
