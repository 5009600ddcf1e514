import {
  CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand, PutBucketLifecycleConfigurationCommand, S3Client,
} from "@aws-sdk/client-s3";

/** An S3 client with the settings every S3 here needs; `maxSockets` widens the SDK's pool of 50 connections. */
export function makeS3Client(s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string }, maxSockets?: number): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(maxSockets ? { requestHandler: { httpAgent: { maxSockets, keepAlive: true }, httpsAgent: { maxSockets, keepAlive: true } } } : {}),
  });
}

/**
 * Creates the private media bucket if needed and lets the app's origin talk to it from the browser
 * (presigned PUTs and multipart requests), exposing the ETag that multipart completion needs. A
 * lifecycle rule aborts multipart uploads still incomplete after a day, whatever happens to the app
 * (its upload sweep does it sooner for the uploads it knows of).
 */
export async function ensureMediaBucket(client: S3Client, bucket: string, origins: string[], opts: { abortIncompleteAfterDays?: number } = {}): Promise<void> {
  const exists = await client.send(new HeadBucketCommand({ Bucket: bucket })).then(() => true, () => false);
  if (!exists) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  // Buckets are private by default. No public-access block: Ceph RGW then refuses the owner's own
  // PutObject (AccessDenied), and there is no public ACL to block anyway.
  await client.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: origins,
            AllowedMethods: ["GET", "PUT", "POST", "DELETE", "HEAD"],
            AllowedHeaders: ["*"],
            ExposeHeaders: ["ETag"],
            MaxAgeSeconds: 3600,
          },
        ],
      },
    }),
  );
  await client.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: {
        Rules: [{ ID: "abort-incomplete-multipart-uploads", Status: "Enabled", Filter: { Prefix: "" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: opts.abortIncompleteAfterDays ?? 1 } }],
      },
    }),
  ).catch((err) => {
    // The s3rver fallback has no lifecycle (nor multipart abort); Ceph RGW and S3 do.
    if (![405, 501].includes(err?.$metadata?.httpStatusCode)) throw err;
  });
}
