import { auditChainInvalid } from "./audit-chain";
import { processingFailures } from "./processing-failures";
import { storageThreshold } from "./storage-threshold";
import type { AlertRule } from "./types";
import { webhookFailures } from "./webhook-failures";

/**
 * Every alert rule the evaluation runs, one file each. Backup and archive add theirs here (backup failure,
 * timeout and size anomaly; archive failure and timeout; retrieval cost) as those features land.
 */
export const ALERT_RULES: AlertRule[] = [processingFailures, storageThreshold, auditChainInvalid, webhookFailures];
