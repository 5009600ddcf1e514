"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { apiFetch } from "@/components/ui/api";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import type { PublicWebhookDelivery, PublicWebhookEndpoint } from "@/lib/webhooks/manage";
import type { WebhookEvent } from "@/lib/webhooks/schemas";

type CreatedEndpoint = PublicWebhookEndpoint & { secret: string };

const EVENT_HINTS: Record<WebhookEvent, string> = {
  "file.ready": "processing finished, the file can be downloaded",
  "file.deleted": "a file was moved to the trash",
  "file.quarantined": "processing set a file aside as unsafe",
  "alert.opened": "an alert rule started firing (see the dashboard)",
  "alert.resolved": "an alert's condition cleared",
  "backup.failed": "a backup run, its verification or its restore drill failed",
  "backup.timeout": "a backup run has been going for longer than its limit",
  "backup.size_anomaly": "a backup set is much larger than the previous one",
};

function SecretNotice({ endpoint, onDone }: { endpoint: CreatedEndpoint; onDone: () => void }) {
  const [copyState, setCopyState] = useState<"idle" | "copied" | "manual">("idle");
  const copy = () =>
    // The clipboard API exists only in secure contexts; elsewhere the secret is selected for Ctrl+C.
    (navigator.clipboard?.writeText(endpoint.secret) ?? Promise.reject()).then(
      () => setCopyState("copied"),
      () => {
        (document.getElementById("wh-secret") as HTMLInputElement | null)?.select();
        setCopyState("manual");
      },
    );
  return (
    <section className="alert alert-success stack" aria-labelledby="wh-secret-h">
      <strong id="wh-secret-h">Webhook created for {endpoint.url}. Copy its signing secret now: it will not be shown again.</strong>
      <div className="field">
        <label htmlFor="wh-secret">Signing secret</label>
        <input id="wh-secret" className="input mono" readOnly value={endpoint.secret} autoFocus onFocus={(e) => e.currentTarget.select()} data-testid="webhook-secret" />
        <span className="field-hint">Receivers check the <code>Framevault-Signature</code> header with it.</span>
      </div>
      <div className="row">
        <button type="button" className="btn btn-sm" onClick={copy}>Copy</button>
        <button type="button" className="btn btn-sm" onClick={onDone}>Done</button>
        <span role="status" className="muted">{copyState === "copied" ? "Copied." : copyState === "manual" ? "Selected: press Ctrl+C (⌘C) to copy." : ""}</span>
      </div>
    </section>
  );
}

function CreateWebhookForm({ available, onCreated }: { available: readonly WebhookEvent[]; onCreated: (endpoint: CreatedEndpoint) => void }) {
  const queryClient = useQueryClient();
  const [events, setEvents] = useState<WebhookEvent[]>(["file.ready"]);
  const create = useMutation({
    mutationFn: (body: { url: string; description: string; events: WebhookEvent[] }) =>
      apiFetch<CreatedEndpoint>("/api/v1/webhooks", { method: "POST", json: body }),
    onSuccess: (endpoint) => {
      onCreated(endpoint);
      void queryClient.invalidateQueries({ queryKey: ["webhooks"] });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    create.mutate({ url: String(form.get("url") ?? "").trim(), description: String(form.get("description") ?? "").trim(), events });
  };
  const toggle = (event: WebhookEvent, on: boolean) => setEvents((prev) => (on ? [...prev, event] : prev.filter((x) => x !== event)));
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="new-webhook-h">
      <h2 id="new-webhook-h" style={{ margin: 0 }}>Add a webhook</h2>
      {create.isError && <Alert>{create.error.message}</Alert>}
      <div className="row" style={{ alignItems: "flex-start" }}>
        <div className="field" style={{ flex: "2 1 280px" }}>
          <label htmlFor="wh-url">URL</label>
          <input id="wh-url" name="url" type="url" className="input" required placeholder="https://example.com/hooks/framevault" aria-describedby="wh-url-hint" />
          <span id="wh-url-hint" className="field-hint">https only; plain http just for localhost.</span>
        </div>
        <div className="field" style={{ flex: "1 1 220px" }}>
          <label htmlFor="wh-description">Description (optional)</label>
          <input id="wh-description" name="description" className="input" maxLength={500} placeholder="e.g. counting dashboard" />
        </div>
      </div>
      <fieldset style={{ border: 0, padding: 0, margin: 0 }} aria-describedby="wh-events-hint">
        <legend className="label" style={{ marginBottom: 6 }}>Events</legend>
        <div className="row">
          {available.map((event) => (
            <label key={event} className="tag" style={{ display: "inline-flex", gap: 6, alignItems: "center", padding: "4px 10px" }} title={EVENT_HINTS[event]}>
              <input type="checkbox" checked={events.includes(event)} onChange={(e) => toggle(event, e.target.checked)} /> <code>{event}</code>
            </label>
          ))}
        </div>
        <span id="wh-events-hint" className="field-hint">{events.length === 0 ? "Choose at least one event." : events.map((e) => `${e}: ${EVENT_HINTS[e]}`).join("; ")}</span>
      </fieldset>
      <div>
        <button className="btn btn-primary" type="submit" disabled={create.isPending || events.length === 0}>{create.isPending ? "Adding…" : "Add webhook"}</button>
      </div>
    </form>
  );
}

const DELIVERY_BADGES: Record<PublicWebhookDelivery["status"], string> = { succeeded: "badge-ready", failed: "badge-failed", pending: "badge-processing" };

function DeliveryStatus({ d }: { d: PublicWebhookDelivery }) {
  const label = d.status === "succeeded" ? "Delivered" : d.status === "failed" ? "Failed" : d.attempts > 0 ? "Retrying" : "Pending";
  return <span className={`badge ${DELIVERY_BADGES[d.status]}`} data-status={d.status}>{label}</span>;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

const DELIVERY_COLUMNS: Column<PublicWebhookDelivery>[] = [
  { header: "Event", width: "26%", primary: true, cell: (d) => <><code>{d.event}</code><div className="muted mono clamp-2" title="Framevault-Delivery id">{d.id}</div></> },
  { header: "Status", width: "12%", cell: (d) => <DeliveryStatus d={d} /> },
  { header: "Attempts", width: "10%", align: "end", cell: (d) => d.attempts },
  {
    header: "Last response", width: "20%",
    cell: (d) => <>{d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : "—"}{d.lastError && <div className="field-hint clamp-2" style={{ color: "var(--danger)" }} title={d.lastError}>{d.lastError}</div>}</>,
  },
  { header: "Created", width: "16%", cell: (d) => <span className="muted">{when(d.createdAt)}</span> },
  { header: "Last attempt", width: "16%", cell: (d) => <span className="muted">{d.deliveredAt ? `Delivered ${when(d.deliveredAt)}` : when(d.lastAttemptAt)}</span> },
];

function DeliveryList({ endpointId }: { endpointId: string }) {
  const query = useQuery({
    queryKey: ["webhooks", endpointId, "deliveries"],
    queryFn: () => apiFetch<{ deliveries: PublicWebhookDelivery[] }>(`/api/v1/webhooks/${endpointId}/deliveries?limit=20`),
    // New deliveries and retries land at any time while the list is open.
    refetchInterval: 5000,
  });
  if (query.isPending) return <div className="row"><Spinner /> <span className="muted">Loading deliveries…</span></div>;
  if (query.isError) return <Alert>Could not load deliveries: {query.error.message}</Alert>;
  if (query.data.deliveries.length === 0) return <p className="muted" style={{ margin: 0 }}>No deliveries yet. They appear here when a subscribed event happens.</p>;
  return (
    <DataTable caption="The 20 most recent deliveries" columns={DELIVERY_COLUMNS} rows={query.data.deliveries} rowKey={(d) => d.id} rowProps={() => ({ "data-testid": "webhook-delivery-row" })} />
  );
}

function EndpointCard({ endpoint }: { endpoint: PublicWebhookEndpoint }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [showDeliveries, setShowDeliveries] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["webhooks"] });
  const update = useMutation({
    mutationFn: (body: { active: boolean }) => apiFetch<PublicWebhookEndpoint>(`/api/v1/webhooks/${endpoint.id}`, { method: "PATCH", json: body }),
    onSettled: refresh,
  });
  const remove = useMutation({ mutationFn: () => apiFetch<void>(`/api/v1/webhooks/${endpoint.id}`, { method: "DELETE" }), onSettled: refresh });
  const deliveriesId = `wh-deliveries-${endpoint.id}`;
  return (
    <article className="card stack" aria-label={`Webhook ${endpoint.url}`} data-testid="webhook-endpoint">
      <div className="row">
        <code style={{ wordBreak: "break-all", fontWeight: 600 }}>{endpoint.url}</code>
        {endpoint.active ? <span className="badge badge-ready">Active</span> : <span className="badge">Paused</span>}
        <span className="spacer" />
        <button type="button" className="btn btn-sm" disabled={update.isPending} onClick={() => update.mutate({ active: !endpoint.active })}>
          {endpoint.active ? "Pause" : "Resume"}
        </button>
        {!confirming ? (
          <button type="button" className="btn btn-sm btn-danger" onClick={() => setConfirming(true)}>Delete</button>
        ) : (
          <span className="row" role="group" aria-label="Confirm delete">
            <span className="muted">Delete it and its delivery history?</span>
            <button type="button" className="btn btn-sm btn-danger" disabled={remove.isPending} onClick={() => remove.mutate()}>{remove.isPending ? "Deleting…" : "Yes, delete"}</button>
            <button type="button" className="btn btn-sm" autoFocus onClick={() => setConfirming(false)}>Cancel</button>
          </span>
        )}
      </div>
      {endpoint.description && <p className="muted" style={{ margin: 0 }}>{endpoint.description}</p>}
      <div>{endpoint.events.map((e) => <span key={e} className="tag">{e}</span>)}<span className="muted"> · added {new Date(endpoint.createdAt).toLocaleDateString()}</span></div>
      {update.isError && <Alert>Could not change the webhook: {update.error.message}</Alert>}
      {remove.isError && <Alert>Could not delete the webhook: {remove.error.message}</Alert>}
      <div>
        <button type="button" className="btn btn-sm" aria-expanded={showDeliveries} aria-controls={deliveriesId} onClick={() => setShowDeliveries((v) => !v)}>
          {showDeliveries ? "Hide deliveries" : "Show recent deliveries"}
        </button>
      </div>
      <div id={deliveriesId} hidden={!showDeliveries}>{showDeliveries && <DeliveryList endpointId={endpoint.id} />}</div>
    </article>
  );
}

/** `events` comes from the server page, so the zod schemas that define it stay out of the browser bundle. */
export function WebhooksAdmin({ events }: { events: readonly WebhookEvent[] }) {
  const [created, setCreated] = useState<CreatedEndpoint | null>(null);
  const query = useQuery({ queryKey: ["webhooks"], queryFn: () => apiFetch<{ endpoints: PublicWebhookEndpoint[] }>("/api/v1/webhooks") });
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Webhooks</h1>
          <p>URLs that Framevault notifies when files become ready, are deleted or are quarantined. Every delivery is signed and retried until it succeeds.</p>
        </div>
      </div>
      {created ? <SecretNotice endpoint={created} onDone={() => setCreated(null)} /> : <CreateWebhookForm available={events} onCreated={setCreated} />}
      {query.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading webhooks…</span></div>
      ) : query.isError ? (
        <Alert>Could not load webhooks: {query.error.message}</Alert>
      ) : query.data.endpoints.length === 0 ? (
        <EmptyState title="No webhooks yet">Add one above to have Framevault call your system when something happens to a file.</EmptyState>
      ) : (
        query.data.endpoints.map((endpoint) => <EndpointCard key={endpoint.id} endpoint={endpoint} />)
      )}
    </div>
  );
}
