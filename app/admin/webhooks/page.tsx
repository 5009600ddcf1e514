import type { Metadata } from "next";
import { WebhooksAdmin } from "@/components/admin/webhooks-admin";
import { requirePermission } from "@/lib/auth/current-user";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/schemas";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  // The admin layout checks users.manage; webhooks have their own permission.
  await requirePermission("webhooks.manage");
  return <WebhooksAdmin events={WEBHOOK_EVENTS} />;
}
