import { archiveFiles } from "./archive-files";
import { completeRetrievalFn } from "./complete-retrieval";
import { deliverWebhook } from "./deliver-webhook";
import { drainCdnInvalidations } from "./drain-cdn-invalidations";
import { fanOutWebhooks } from "./fan-out-webhooks";
import { processUploadedFile } from "./process-uploaded-file";
import { purgeTrash } from "./purge-trash";
import { retentionFiles } from "./retention-files";
import { resendStalledProcessing } from "./resend-stalled-processing";
import { sealAuditChain } from "./seal-audit-chain";
import { sweepRetrievalsFn } from "./sweep-retrievals";
import { sweepUploads } from "./sweep-uploads";

// Every Inngest function the app serves at /api/inngest.
export const functions = [processUploadedFile, resendStalledProcessing, fanOutWebhooks, deliverWebhook, sweepUploads, sealAuditChain, purgeTrash, archiveFiles, retentionFiles, completeRetrievalFn, sweepRetrievalsFn, drainCdnInvalidations];
