import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { waitUntilProcessed } from "@/scripts/testing/backends";
import { anonymous, apiUpload, newUser } from "@/scripts/testing/client";
import { countingEventMedia, uploadOrder, type EventMediaFile } from "@/scripts/testing/event-media";
import { fakeJpeg } from "@/scripts/testing/fixtures";

// Counting events: files carry the event they document; the event answers with its media in capture order.

let owner: Awaited<ReturnType<typeof newUser>>;
let media: EventMediaFile[];
const tag = randomUUID().slice(0, 8);
const eventId = `evt-${tag}:door-1`;
const ids = new Map<string, string>();

beforeAll(async () => {
  [owner, media] = await Promise.all([newUser(), countingEventMedia(tag)]);
  for (const m of uploadOrder(media)) {
    const fields = { eventId, metadata: JSON.stringify({ cameraId: m.cameraId, siteId: "site-north" }) };
    const res = await apiUpload(owner.session, { name: m.name, type: m.type, bytes: m.bytes }, fields);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids.set(m.name, res.body.fileId);
  }
  for (const id of ids.values()) expect(await waitUntilProcessed(id, 90_000)).toBe("ready");
}, 180_000);

describe("counting events", () => {
  it("returns the event's snapshots and clip in capture order, with cameras, sites, time span and counts", async () => {
    const res = await owner.session.json(`/api/v1/events/${encodeURIComponent(eventId)}`);
    expect(res.status).toBe(200);
    expect(res.body.files.map((f: { filename: string }) => f.filename)).toEqual(media.map((m) => m.name));
    expect(res.body.files.map((f: { capturedAt: string }) => f.capturedAt)).toEqual(media.map((m) => m.capturedAt));
    expect(res.body.files.map((f: { kind: string }) => f.kind)).toEqual(["image", "image", "video", "image"]);
    expect(res.body.files.map((f: { cameraId: string }) => f.cameraId)).toEqual(media.map((m) => m.cameraId));
    expect(res.body.files[2].durationSeconds).toBeGreaterThan(1.5);
    expect(res.body.files.every((f: { thumbnailUrl: string | null }) => f.thumbnailUrl)).toBe(true);
    expect(res.body).toMatchObject({
      eventId,
      cameras: ["cam-door", "cam-lobby"],
      sites: ["site-north"],
      firstCapturedAt: "2024-05-06T07:08:00.000Z",
      lastCapturedAt: "2024-05-06T07:08:15.000Z",
      counts: { total: 4, image: 3, video: 1, other: 0 },
      truncated: false,
    });
  });

  it("is a filter of the file list, and part of each file's information", async () => {
    const list = await owner.session.json(`/api/v1/files?eventId=${encodeURIComponent(eventId)}&limit=100`);
    expect(list.status).toBe(200);
    expect(list.body.files.map((f: { fileId: string }) => f.fileId).sort()).toEqual([...ids.values()].sort());
    expect(list.body.pagination.total).toBe(4);
    const detail = await owner.session.json(`/api/v1/files/${ids.get(media[0].name)}`);
    expect(detail.body.eventId).toBe(eventId);
    const none = await owner.session.json(`/api/v1/files?eventId=${encodeURIComponent(`${eventId}-other`)}`);
    expect(none.body.files).toEqual([]);
  });

  it("is a 404 to whoever has no file of it, and refused without a session", async () => {
    const stranger = await newUser();
    const res = await stranger.session.json(`/api/v1/events/${encodeURIComponent(eventId)}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    expect((await stranger.session.json(`/api/v1/files?eventId=${encodeURIComponent(eventId)}`)).body.files).toEqual([]);
    expect((await anonymous.json(`/api/v1/events/${encodeURIComponent(eventId)}`)).status).toBe(401);
    // A file of the same event id uploaded by the stranger shows only the stranger's own file.
    const own = await apiUpload(stranger.session, { name: "own.jpg", type: "image/jpeg", bytes: fakeJpeg(2000) }, { eventId });
    expect(own.status).toBe(201);
    const mine = await stranger.session.json(`/api/v1/events/${encodeURIComponent(eventId)}`);
    expect(mine.body.files.map((f: { fileId: string }) => f.fileId)).toEqual([own.body.fileId]);
  });

  it("validates the event id at upload like any other field: nothing is stored when it is refused", async () => {
    const bad: Record<string, string>[] = [
      { eventId: "a/b" },
      { eventId: "x".repeat(129) },
      { eventId: "evt\u202egpj" },
      { metadata: JSON.stringify({ eventId: 42 }) },
      { eventId: "one", metadata: JSON.stringify({ eventId: "two" }) },
    ];
    for (const fields of bad) {
      const res = await apiUpload(owner.session, { name: "bad-event.jpg", type: "image/jpeg", bytes: fakeJpeg(2000) }, fields);
      expect(res.status, JSON.stringify(fields)).toBe(400);
    }
    const list = await owner.session.json(`/api/v1/files?q=bad-event`);
    expect(list.body.files).toEqual([]);
    // Named in metadata only, as cameraId is, it counts as well.
    const viaMetadata = await apiUpload(owner.session, { name: "meta-event.jpg", type: "image/jpeg", bytes: fakeJpeg(2000) }, { metadata: JSON.stringify({ eventId: `${eventId}-m` }) });
    expect(viaMetadata.status).toBe(201);
    expect((await owner.session.json(`/api/v1/files/${viaMetadata.body.fileId}`)).body.eventId).toBe(`${eventId}-m`);
  });

  it("is taken by the browser upload reservation and recorded when the upload completes", async () => {
    const bytes = fakeJpeg(50_000);
    const refused = await owner.session.json("/api/uploads", { method: "POST", body: { filename: "b.jpg", size: bytes.length, mimeType: "image/jpeg", eventId: "no/slashes" } });
    expect(refused.status).toBe(400);
    const created = await owner.session.json("/api/uploads", { method: "POST", body: { filename: "browser-event.jpg", size: bytes.length, mimeType: "image/jpeg", eventId } });
    expect(created.status).toBe(201);
    const signed = await owner.session.json("/api/uploads/sign", { method: "POST", body: { method: "PUT", key: created.body.key } });
    expect((await fetch(signed.body.url, { method: "PUT", body: new Uint8Array(bytes), headers: signed.body.headers })).status).toBe(200);
    const done = await owner.session.json(`/api/uploads/${created.body.uploadId}/complete`, { method: "POST" });
    expect(done.status).toBe(200);
    expect((await owner.session.json(`/api/v1/files/${done.body.fileId}`)).body.eventId).toBe(eventId);
  });
});
