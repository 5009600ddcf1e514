import { deliverWebhook } from "./deliver-webhook";
import { fanOutWebhooks } from "./fan-out-webhooks";
import { processUploadedFile } from "./process-uploaded-file";

// Every Inngest function the app serves at /api/inngest.
export const functions = [processUploadedFile, fanOutWebhooks, deliverWebhook];
