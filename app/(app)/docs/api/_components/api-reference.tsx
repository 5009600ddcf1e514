"use client";

import { ApiReferenceReact } from "@scalar/api-reference-react";
import "@scalar/api-reference-react/style.css";

/**
 * Scalar's renderer over the document the page passes in (no fetch of a URL, nothing from a CDN): fonts are the
 * app's own, telemetry and the hosted agent off, and "try it" requests go straight to this origin (no proxy).
 */
export function ApiReference({ document }: { document: Record<string, unknown> }) {
  return (
    <div className="api-reference" data-testid="api-reference">
      <ApiReferenceReact
        configuration={{
          content: document,
          withDefaultFonts: false,
          telemetry: false,
          agent: { disabled: true },
          hideClientButton: false,
          hideDarkModeToggle: true,
          forceDarkModeState: "light",
          showDeveloperTools: "never",
          documentDownloadType: "json",
          defaultOpenFirstTag: true,
          customCss: ".scalar-app { --scalar-font: var(--font); --scalar-font-code: var(--mono); }",
        }}
      />
    </div>
  );
}
