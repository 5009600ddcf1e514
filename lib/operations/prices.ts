import "server-only";
import { env } from "@/lib/env";

const GiB = 1024 ** 3;

/** Monthly price of a GiB in each storage tier (USD, from env). A tier the archive work adds later costs as standard until priced. */
export function storagePrices(): Record<string, number> {
  const e = env();
  return {
    standard: e.STORAGE_PRICE_PER_GB_MONTH_STANDARD,
    infrequent: e.STORAGE_PRICE_PER_GB_MONTH_INFREQUENT,
    archive: e.STORAGE_PRICE_PER_GB_MONTH_ARCHIVE,
    deep_archive: e.STORAGE_PRICE_PER_GB_MONTH_DEEP_ARCHIVE,
  };
}

export function monthlyCost(bytesByTier: Record<string, number>, prices = storagePrices()): number {
  let cost = 0;
  for (const [tier, bytes] of Object.entries(bytesByTier)) cost += (bytes / GiB) * (prices[tier] ?? prices.standard);
  return cost;
}
