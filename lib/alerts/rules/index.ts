import { archiveFailure, archiveTimeout, highRetrievalCost } from "./archive";
import { auditChainInvalid } from "./audit-chain";
import { backupDrillFailed } from "./backup-drill";
import { missingObjects } from "./missing-objects";
import { processingFailures } from "./processing-failures";
import { storageThreshold } from "./storage-threshold";
import type { AlertRule } from "./types";
import { webhookFailures } from "./webhook-failures";

/**
 * Every alert rule the evaluation runs, one file each. Backup adds its rules here (failure, timeout and
 * size anomaly) when it lands.
 */
export const ALERT_RULES: AlertRule[] = [processingFailures, storageThreshold, auditChainInvalid, webhookFailures, archiveFailure, archiveTimeout, highRetrievalCost, missingObjects, backupDrillFailed];
