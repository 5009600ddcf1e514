import { Inngest } from "inngest";

/**
 * The app's Inngest client. Where it sends events and registers functions is decided by env alone,
 * which the SDK reads itself: INNGEST_DEV=1 plus INNGEST_BASE_URL for the local runner or the dev
 * server, INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY for Inngest Cloud.
 */
export const inngest = new Inngest({ id: "framevault" });
