import type { AlertSeverity } from "@/db/schema";

/** One condition a rule finds firing now; `key` tells it apart from the rule's other conditions. */
export interface FiringCondition {
  key: string;
  title: string;
  details: Record<string, unknown>;
}

/**
 * An alert rule: a function reporting what is firing now. Returning `null` means "not checked this time"
 * (the rule runs less often than the evaluation, or could not look): its open alerts then stay as they are
 * instead of being resolved.
 */
export interface AlertRule {
  id: string;
  severity: AlertSeverity;
  /** One sentence for the dashboard and the README: what fires it. */
  description: string;
  evaluate: (now: Date) => Promise<FiringCondition[] | null>;
}
