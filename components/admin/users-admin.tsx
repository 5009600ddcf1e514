"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { apiFetch } from "@/components/ui/api";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import type { PublicUser } from "@/lib/users/manage";

const ROLES = ["user", "admin", "system", "auditor"] as const;

function CreateUserForm() {
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: Record<string, string>) => apiFetch<PublicUser>("/api/v1/users", { method: "POST", json: body }),
    onSuccess: (user) => {
      setCreated(user.email);
      void queryClient.invalidateQueries({ queryKey: ["users"] });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setCreated(null);
    const form = e.currentTarget;
    create.mutate(Object.fromEntries(new FormData(form)) as Record<string, string>, { onSuccess: () => form.reset() });
  };
  return (
    <section className="card stack" aria-labelledby="new-user-h">
      <h2 id="new-user-h" style={{ margin: 0 }}>Add a user</h2>
      {create.isError && <Alert>{create.error.message}</Alert>}
      {created && <Alert kind="success">Created {created}.</Alert>}
      <form onSubmit={submit} className="form-grid">
        <div className="field"><label htmlFor="nu-email">Email</label><input id="nu-email" name="email" type="email" className="input" required autoComplete="off" /></div>
        <div className="field"><label htmlFor="nu-name">Name</label><input id="nu-name" name="name" className="input" required /></div>
        <div className="field"><label htmlFor="nu-password">Password</label><input id="nu-password" name="password" type="password" className="input" required minLength={10} autoComplete="new-password" /></div>
        <div className="field"><label htmlFor="nu-role">Role</label>
          <select id="nu-role" name="role" className="select" defaultValue="user">{ROLES.map((r) => <option key={r}>{r}</option>)}</select>
        </div>
        <button className="btn btn-primary" type="submit" disabled={create.isPending}>{create.isPending ? "Adding…" : "Add user"}</button>
      </form>
    </section>
  );
}

function RoleCell({ user }: { user: PublicUser }) {
  const update = useUserUpdate(user);
  return (
    <>
      <label className="sr-only" htmlFor={`role-${user.id}`}>Role of {user.email}</label>
      <select id={`role-${user.id}`} className="select" value={user.role} disabled={update.isPending} onChange={(e) => update.mutate({ role: e.target.value })}>
        {ROLES.map((r) => <option key={r}>{r}</option>)}
      </select>
      {update.isError && <div className="field-hint" style={{ color: "var(--danger)" }} role="alert">{update.error.message}</div>}
    </>
  );
}

function ToggleCell({ user }: { user: PublicUser }) {
  const update = useUserUpdate(user);
  return (
    <button className="btn btn-sm" disabled={update.isPending} onClick={() => update.mutate({ disabled: !user.disabled })} aria-label={`${user.disabled ? "Enable" : "Disable"} ${user.email}`}>
      {user.disabled ? "Enable" : "Disable"}
    </button>
  );
}

function useUserUpdate(user: PublicUser) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { role?: string; disabled?: boolean }) => apiFetch<PublicUser>(`/api/v1/users/${user.id}`, { method: "PATCH", json: body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["users"] }),
  });
}

const USER_COLUMNS: Column<PublicUser>[] = [
  { header: "User", width: "38%", primary: true, cell: (u) => <><div style={{ fontWeight: 600 }}>{u.name}</div><div className="muted">{u.email}</div></> },
  { header: "Role", width: "18%", cell: (u) => <RoleCell user={u} /> },
  { header: "Status", width: "14%", cell: (u) => (u.disabled ? <span className="badge badge-failed">Disabled</span> : <span className="badge badge-ready">Active</span>) },
  { header: "Created", width: "16%", cell: (u) => <span className="muted">{new Date(u.createdAt).toLocaleDateString()}</span> },
  { header: "Actions", width: "14%", hideHeader: true, align: "end", cell: (u) => <ToggleCell user={u} /> },
];

export function UsersAdmin() {
  const query = useQuery({ queryKey: ["users"], queryFn: () => apiFetch<{ users: PublicUser[] }>("/api/v1/users") });
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Users</h1>
          <p>People and systems that can use Framevault, and what their role lets them do.</p>
        </div>
      </div>
      <CreateUserForm />
      {query.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading users…</span></div>
      ) : query.isError ? (
        <Alert>Could not load users: {query.error.message}</Alert>
      ) : query.data.users.length === 0 ? (
        <EmptyState title="No users" />
      ) : (
        <DataTable caption="Users" columns={USER_COLUMNS} rows={query.data.users} rowKey={(u) => u.id} />
      )}
    </div>
  );
}
