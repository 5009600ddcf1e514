import "server-only";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { mediaBucket, s3 } from "@/lib/storage/s3";
import { checkpointMac, checkpointMacValid, type Checkpoint } from "./chain";

// Checkpoints live in S3, out of reach of whoever owns the database. The key carries the position and
// the hash, so a verification reads them all from listings alone and fetches a body only to check a MAC.
const PREFIX = "audit-checkpoints/";
const pad = (seq: number) => String(seq).padStart(20, "0");

export interface CheckpointRef {
  key: string;
  seq: number;
  hash: string;
}

function parseKey(key: string): CheckpointRef | null {
  const m = /^audit-checkpoints\/(\d{20})-([0-9a-f]{64})\.json$/.exec(key);
  return m ? { key, seq: Number(m[1]), hash: m[2] } : null;
}

export async function writeCheckpoint(link: { seq: number; eventId: number; hash: string }): Promise<void> {
  const checkpoint: Checkpoint = { ...link, sealedAt: new Date().toISOString() };
  await s3().internal.send(
    new PutObjectCommand({
      Bucket: mediaBucket(),
      Key: `${PREFIX}${pad(link.seq)}-${link.hash}.json`,
      Body: JSON.stringify({ ...checkpoint, mac: checkpointMac(checkpoint) }),
      ContentType: "application/json",
    }),
  );
}

/** Checkpoints in chain order, page by page; `after` skips those at or below a position. */
export async function* listCheckpoints(after?: number): AsyncGenerator<CheckpointRef> {
  let token: string | undefined;
  do {
    const page = await s3().internal.send(
      new ListObjectsV2Command({
        Bucket: mediaBucket(),
        Prefix: PREFIX,
        // "." sorts after "-", so every key of position `after` comes before it.
        StartAfter: token || after === undefined ? undefined : `${PREFIX}${pad(after)}.`,
        ContinuationToken: token,
      }),
    );
    for (const object of page.Contents ?? []) {
      const ref = parseKey(object.Key ?? "");
      if (ref) yield ref;
    }
    token = page.NextContinuationToken;
  } while (token);
}

/** The first checkpoint beyond a position: one exists only when the chain lost links it once had. */
export async function checkpointBeyond(seq: number): Promise<CheckpointRef | null> {
  for await (const ref of listCheckpoints(seq)) return ref;
  return null;
}

/** Whether the object behind a key is a checkpoint this app signed, for exactly what its key says. */
export async function checkpointAuthentic(ref: CheckpointRef): Promise<boolean> {
  try {
    const object = await s3().internal.send(new GetObjectCommand({ Bucket: mediaBucket(), Key: ref.key }));
    const body = JSON.parse(await object.Body!.transformToString()) as Checkpoint & { mac: string };
    return body.seq === ref.seq && body.hash === ref.hash && checkpointMacValid(body);
  } catch {
    return false;
  }
}
