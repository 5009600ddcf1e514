/** The objects half of a restore: manifest objects back to their media keys, each verified. Plain Node. */
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import type { ManifestObject } from "../format";
import { copyObjectBack, forEachParallel } from "./read";
import { objectSize, type Bucket } from "./source";

/** As the backup runs copy: 5 objects in flight. */
export const RESTORE_PARALLEL_COPIES = 5;

export interface ObjectsRestored {
  copied: number;
  bytes: number;
  /** Already in the target with the manifest's size (a resumed or repeated restore). */
  present: number;
}

/**
 * Copies `objects` into `target`. An object already there with the right size is left alone (a restore
 * that is run again resumes instead of copying everything); one there with another size is an error: the
 * restore never overwrites bytes it did not write.
 */
export async function restoreObjects(
  store: Bucket,
  objects: ManifestObject[],
  target: Bucket,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ObjectsRestored> {
  const result: ObjectsRestored = { copied: 0, bytes: 0, present: 0 };
  let done = 0;
  const remove = async (key: string) => {
    await target.client.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: target.prefix + key }));
  };
  await forEachParallel(objects, RESTORE_PARALLEL_COPIES, async (obj) => {
    const size = await objectSize(target, obj.key);
    if (size === obj.size) {
      result.present += 1;
    } else if (size !== null) {
      throw new Error(`${obj.key} is already in the target bucket with ${size} bytes (the set has ${obj.size}): not overwritten`);
    } else {
      await copyObjectBack(store, obj, target, obj.key, remove);
      result.copied += 1;
      result.bytes += obj.size;
    }
    onProgress(++done, objects.length);
  });
  return result;
}
