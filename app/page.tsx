import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/current-user";
import { roleHas } from "@/lib/auth/permissions";

/** Each role lands where its work is: the dashboard for admins, files for people and systems, the log for auditors. */
export default async function Home() {
  const user = await requireUser();
  redirect(roleHas(user.role, "ops.manage") ? "/admin" : roleHas(user.role, "files.read") ? "/files" : "/audit");
}
