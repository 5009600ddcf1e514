import { eventType } from "inngest";
import { z } from "zod";

// Inngest v4 types events per event (no client-wide schema): use these as function triggers
// (`triggers: [fileUploaded]`) and to send (`inngest.send(fileUploaded.create({ ... }))`),
// which validates the data before it leaves the app.

export const fileUploaded = eventType("file/uploaded", {
  schema: z.object({ fileId: z.uuid(), versionId: z.uuid(), ownerId: z.uuid() }),
});

export const fileDeleted = eventType("file/deleted", {
  schema: z.object({ fileId: z.uuid(), ownerId: z.uuid() }),
});

/** Processing finished and the file can be downloaded. */
export const fileReady = eventType("file/ready", {
  schema: z.object({ fileId: z.uuid(), ownerId: z.uuid() }),
});

/** Processing found the file unsafe and set it aside. */
export const fileQuarantined = eventType("file/quarantined", {
  schema: z.object({ fileId: z.uuid(), ownerId: z.uuid() }),
});

/** Processing finished, whatever the outcome (ready, rejected, quarantined). */
export const fileProcessed = eventType("file/processed", {
  schema: z.object({ fileId: z.uuid(), ownerId: z.uuid(), status: z.enum(["ready", "rejected", "quarantined", "failed"]) }),
});
