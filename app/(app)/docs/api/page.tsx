import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/current-user";
import { env } from "@/lib/env";
import { buildOpenApiDocument } from "@/lib/openapi/document";

export const metadata: Metadata = { title: "API reference" };

type Operation = {
  summary: string;
  description: string;
  tags: string[];
  parameters: { name: string; in: string; required: boolean; schema: { type?: string; enum?: unknown[]; description?: string } }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string }>;
};

const METHOD_CLASS: Record<string, string> = { get: "badge-processing", post: "badge-ready", patch: "badge-auditor", delete: "badge-failed" };

/** Renders /api/v1/openapi.json for people, in the app's own design. */
export default async function ApiDocsPage() {
  await requireUser();
  const doc = buildOpenApiDocument(env().APP_URL);
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops as Record<string, Operation>).map(([method, op]) => ({ path, method, op })),
  );
  const tags = [...new Set(operations.map((o) => o.op.tags[0]))];
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>API reference</h1>
          <p>
            OpenAPI {doc.openapi} · authenticate with <code>Authorization: Bearer &lt;API key&gt;</code> or a browser session ·{" "}
            errors are <code>{'{ "error": { "code", "message" } }'}</code>
          </p>
        </div>
        <a className="btn" href="/api/v1/openapi.json">openapi.json</a>
      </div>
      {tags.map((tag) => (
        <section key={tag} className="stack" aria-labelledby={`tag-${tag}`}>
          <h2 id={`tag-${tag}`} style={{ margin: 0 }}>{tag}</h2>
          {operations.filter((o) => o.op.tags[0] === tag).map(({ path, method, op }) => (
            <details key={`${method} ${path}`} className="card">
              <summary style={{ cursor: "pointer", display: "flex", gap: 10, alignItems: "center", flexWrap: "wrap" }}>
                <span className={`badge ${METHOD_CLASS[method]}`} style={{ minWidth: 56, justifyContent: "center" }}>{method.toUpperCase()}</span>
                <code className="mono">{path}</code>
                <span className="muted">{op.summary}</span>
              </summary>
              <div className="stack" style={{ marginTop: 12 }}>
                <p className="muted" style={{ margin: 0 }}>{op.description.replace(/`/g, "")}</p>
                {op.parameters.length > 0 && (
                  <div className="table-wrap">
                    <table className="table">
                      <thead><tr><th>Parameter</th><th>In</th><th>Type</th><th>Required</th></tr></thead>
                      <tbody>
                        {op.parameters.map((p) => (
                          <tr key={`${p.in}-${p.name}`}>
                            <td className="mono">{p.name}</td>
                            <td>{p.in}</td>
                            <td className="mono">{p.schema.enum ? p.schema.enum.join(" | ") : (p.schema.type ?? "string")}</td>
                            <td>{p.required ? "yes" : "no"}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
                {op.requestBody && Object.entries(op.requestBody.content).map(([type, body]) => (
                  <div key={type}>
                    <div className="label">Request body · {type}</div>
                    <pre className="mono" style={{ background: "var(--surface-2)", padding: 12, borderRadius: 6, overflowX: "auto", margin: "6px 0 0" }}>{JSON.stringify(body.schema, null, 2)}</pre>
                  </div>
                ))}
                <div>
                  <div className="label">Responses</div>
                  <ul style={{ margin: "6px 0 0", paddingLeft: 18 }}>
                    {Object.entries(op.responses).map(([status, res]) => <li key={status}><code className="mono">{status}</code> {res.description}</li>)}
                  </ul>
                </div>
              </div>
            </details>
          ))}
        </section>
      ))}
    </div>
  );
}
