import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/current-user";
import { env } from "@/lib/env";
import { buildOpenApiDocument } from "@/lib/openapi/document";
import { ApiReference } from "./_components/api-reference";

export const metadata: Metadata = { title: "API reference" };

/** /api/v1/openapi.json rendered by Scalar (schemas, examples, try-it with the browser's session), bundled with the app. */
export default async function ApiDocsPage() {
  await requireUser();
  const doc = buildOpenApiDocument(env().APP_URL);
  return (
    <div className="stack">
      <div className="page-header" style={{ marginBottom: 0 }}>
        <div>
          <h1>API reference</h1>
          <p>
            OpenAPI {doc.openapi} · authenticate with <code>Authorization: Bearer &lt;API key&gt;</code> or this browser&apos;s session ·{" "}
            errors are <code>{'{ "error": { "code", "message" } }'}</code>
          </p>
        </div>
        <a className="btn" href="/api/v1/openapi.json">openapi.json</a>
      </div>
      <ApiReference document={doc as unknown as Record<string, unknown>} />
    </div>
  );
}
