import type { Metadata } from "next";
import { requirePermission } from "@/lib/auth/current-user";
import { roleHas } from "@/lib/auth/permissions";
import { env } from "@/lib/env";
import { TrashView } from "./_components/trash-view";

export const metadata: Metadata = { title: "Trash" };

export default async function TrashPage() {
  const user = await requirePermission("files.read");
  return (
    <TrashView
      allOwners={roleHas(user.role, "files.manage_all") && roleHas(user.role, "users.read")}
      canPurge={roleHas(user.role, "files.delete")}
      retentionDays={env().TRASH_RETENTION_DAYS}
    />
  );
}
