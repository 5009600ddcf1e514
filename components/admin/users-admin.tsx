"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { apiFetch } from "@/components/ui/api";
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

function UserRow({ user }: { user: PublicUser }) {
  const queryClient = useQueryClient();
  const update = useMutation({
    mutationFn: (body: { role?: string; disabled?: boolean }) => apiFetch<PublicUser>(`/api/v1/users/${user.id}`, { method: "PATCH", json: body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["users"] }),
  });
  return (
    <tr>
      <td><div style={{ fontWeight: 600 }}>{user.name}</div><div className="muted">{user.email}</div></td>
      <td>
        <label className="sr-only" htmlFor={`role-${user.id}`}>Role of {user.email}</label>
        <select id={`role-${user.id}`} className="select" value={user.role} disabled={update.isPending} onChange={(e) => update.mutate({ role: e.target.value })}>
          {ROLES.map((r) => <option key={r}>{r}</option>)}
        </select>
        {update.isError && <div className="field-hint" style={{ color: "var(--danger)" }} role="alert">{update.error.message}</div>}
      </td>
      <td>{user.disabled ? <span className="badge badge-failed">Disabled</span> : <span className="badge badge-ready">Active</span>}</td>
      <td className="muted">{new Date(user.createdAt).toLocaleDateString()}</td>
      <td style={{ textAlign: "right" }}>
        <button className="btn btn-sm" disabled={update.isPending} onClick={() => update.mutate({ disabled: !user.disabled })}>
          {user.disabled ? "Enable" : "Disable"}
        </button>
      </td>
    </tr>
  );
}

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
        <div className="card card-flush table-wrap">
          <table className="table">
            <thead><tr><th>User</th><th>Role</th><th>Status</th><th>Created</th><th><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>{query.data.users.map((u) => <UserRow key={u.id} user={u} />)}</tbody>
          </table>
        </div>
      )}
    </div>
  );
}
