import { archiveFiles } from "./archive-files";
import { backupDrill } from "./backup-drill";
import { backupFull, backupIncremental, backupRequested } from "./backup-functions";
import { completeRetrievalFn } from "./complete-retrieval";
import { deliverWebhook } from "./deliver-webhook";
import { drainCdnInvalidations } from "./drain-cdn-invalidations";
import { emailAlerts } from "./email-alerts";
import { evaluateAlerts } from "./evaluate-alerts";
import { fanOutWebhooks } from "./fan-out-webhooks";
import { processUploadedFile } from "./process-uploaded-file";
import { purgeTrash } from "./purge-trash";
import { reconcileStorage } from "./reconcile-storage";
import { restoreBackup } from "./restore-backup";
import { retentionFiles } from "./retention-files";
import { resendStalledProcessing } from "./resend-stalled-processing";
import { sealAuditChain } from "./seal-audit-chain";
import { sweepRetrievalsFn } from "./sweep-retrievals";
import { storageSnapshot } from "./storage-snapshot";
import { sweepUploads } from "./sweep-uploads";

// Every Inngest function the app serves at /api/inngest.
export const functions = [processUploadedFile, resendStalledProcessing, fanOutWebhooks, deliverWebhook, sweepUploads, sealAuditChain, purgeTrash, archiveFiles, completeRetrievalFn, sweepRetrievalsFn, drainCdnInvalidations, evaluateAlerts, storageSnapshot, reconcileStorage, retentionFiles, emailAlerts, backupRequested, backupFull, backupIncremental, restoreBackup, backupDrill];
