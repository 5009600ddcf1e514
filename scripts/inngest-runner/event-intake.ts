import { z } from "zod";
import { ulid } from "./ids";

const incomingEvent = z.looseObject({
  name: z.string().min(1),
  data: z.record(z.string(), z.unknown()).optional(),
  id: z.string().optional(),
  ts: z.number().optional(),
});

/** What `inngest.send` POSTs to `/e/:key`: one event or a batch. */
export const sendEventBody = z.union([incomingEvent, z.array(incomingEvent)]);

export interface RunnerEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  [field: string]: unknown;
}

/** Turns sent payloads into stored events, giving each an id the way the Inngest event API does. */
export class EventIntake {
  private readonly seenIds = new Set<string>();

  /**
   * Returns an internal id per event (the event API's response) and the events that should trigger
   * functions: a caller-chosen `id` is an idempotency key, so a repeat triggers nothing.
   */
  accept(body: z.infer<typeof sendEventBody>): { ids: string[]; fresh: RunnerEvent[] } {
    const ids: string[] = [];
    const fresh: RunnerEvent[] = [];
    for (const sent of Array.isArray(body) ? body : [body]) {
      const internalId = ulid();
      ids.push(internalId);
      if (sent.id && this.seenIds.has(sent.id)) continue;
      if (sent.id) this.seenIds.add(sent.id);
      fresh.push({ ...sent, id: sent.id ?? internalId, data: sent.data ?? {}, ts: sent.ts ?? Date.now() });
    }
    return { ids, fresh };
  }
}
