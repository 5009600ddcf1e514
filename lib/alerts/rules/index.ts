import { archiveFailure, archiveTimeout, highRetrievalCost } from "./archive";
import { auditChainInvalid } from "./audit-chain";
import { backupDrillFailed } from "./backup-drill";
import { backupFailure, backupSizeAnomaly, backupTimeout } from "./backup";
import { missingObjects } from "./missing-objects";
import { processingFailures } from "./processing-failures";
import { storageThreshold } from "./storage-threshold";
import type { AlertRule } from "./types";
import { webhookFailures } from "./webhook-failures";

/** Every alert rule the evaluation runs, one file each. */
export const ALERT_RULES: AlertRule[] = [
  processingFailures, storageThreshold, auditChainInvalid, webhookFailures, archiveFailure, archiveTimeout, highRetrievalCost, missingObjects,
  backupFailure, backupTimeout, backupSizeAnomaly, backupDrillFailed,
];
