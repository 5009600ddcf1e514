import {
  CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand, PutBucketLifecycleConfigurationCommand, PutObjectLockConfigurationCommand, type S3Client,
} from "@aws-sdk/client-s3";

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

/**
 * The backup bucket (lib/backup): private, versioned, with Object Lock in GOVERNANCE mode and a default
 * retention of `retentionDays` (the longest kept set's lifetime), so the app's own credentials cannot quietly
 * delete a kept set (retention deletes with the explicit governance bypass). `locationConstraint` puts it in
 * a placement target of its own on Ceph. An S3 without Object Lock (the s3rver fallback) gets a plain
 * bucket: the return value says which.
 */
export async function ensureBackupBucket(
  client: S3Client,
  bucket: string,
  opts: { retentionDays: number; locationConstraint?: string },
): Promise<{ objectLock: boolean }> {
  const exists = await client.send(new HeadBucketCommand({ Bucket: bucket })).then(() => true, () => false);
  if (!exists) {
    const configuration = opts.locationConstraint ? { CreateBucketConfiguration: { LocationConstraint: opts.locationConstraint as never } } : {};
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true, ...configuration }));
    } catch (err) {
      if (![400, 405, 501].includes((err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0)) throw err;
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    }
  }
  try {
    await client.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: opts.retentionDays } } },
      }),
    );
    return { objectLock: true };
  } catch (err) {
    // Without Object Lock (s3rver, or an S3 bucket made before without it) the bucket still works, unprotected.
    const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0;
    if ([400, 404, 405, 409, 501].includes(status)) return { objectLock: false };
    throw err;
  }
}
