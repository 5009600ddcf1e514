// The one table the bench prints: every scenario's figure beside its raw baseline, the ratio and the goal.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface Row {
  operation: string;
  framevault: string;
  baseline: string;
  ratio: string;
  goal: string;
  met: "yes" | "no" | "n/a" | "";
}

export const fmt = {
  rate: (n: number, unit: string) => `${n >= 100 ? Math.round(n) : n.toFixed(1)} ${unit}`,
  ms: (n: number) => (Number.isNaN(n) ? "n/a" : n >= 100 ? `${Math.round(n)} ms` : `${n.toFixed(1)} ms`),
  ratio: (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : ""),
};

export function verdict(ok: boolean | null): Row["met"] {
  return ok === null ? "n/a" : ok ? "yes" : "no";
}

function markdown(rows: Row[]): string {
  const head = ["operation", "Framevault", "raw baseline", "ratio", "goal", "met?"];
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${[r.operation, r.framevault, r.baseline, r.ratio, r.goal, r.met].map(esc).join(" | ")} |`),
  ].join("\n");
}

function plain(rows: Row[]): string {
  const cells = [["operation", "Framevault", "raw baseline", "ratio", "goal", "met?"], ...rows.map((r) => [r.operation, r.framevault, r.baseline, r.ratio, r.goal, r.met])];
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join(" | ");
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("-+-"), ...cells.slice(1).map(line)].join("\n");
}

/**
 * Prints the table and writes it as markdown to bench/results/<date>.md, and to bench/results/latest.md when the
 * run was complete (a `--only` or `--quick` run does not replace the committed table).
 */
export function publish(rows: Row[], context: string[], resultsDir: string, complete: boolean): string {
  console.log(`\n${plain(rows)}\n`);
  for (const line of context) console.log(line);
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/:/g, "-").replace(/\..*/, "Z");
  const body = `# Framevault bench, ${new Date().toISOString()}\n\n${context.map((l) => `- ${l}`).join("\n")}\n\n${markdown(rows)}\n`;
  const file = path.join(resultsDir, `${stamp}.md`);
  writeFileSync(file, body);
  if (complete) writeFileSync(path.join(resultsDir, "latest.md"), body);
  return file;
}
