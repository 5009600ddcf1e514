import { spawnSync } from "node:child_process";
import { onPath } from "./proc";

const isRoot = process.getuid?.() === 0;

/**
 * Installs Debian packages the local stack needs when they are missing and we may (root, apt
 * present). Returns false when they could not be had, so the caller can fall back.
 */
export function ensureDebianPackages(packages: string[], binaries: string[], log: (line: string) => void): boolean {
  if (binaries.every(onPath)) return true;
  if (!isRoot || !onPath("apt-get")) {
    log(`missing ${binaries.filter((b) => !onPath(b)).join(", ")} and cannot install (${isRoot ? "no apt-get" : "not root"})`);
    return false;
  }
  log(`installing ${packages.join(" ")} from Debian (once per machine)…`);
  const apt = (args: string[]) =>
    spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=600", ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      timeout: 15 * 60_000,
    });
  let result = apt(["install", "-y", "--no-install-recommends", ...packages]);
  if (result.status !== 0) {
    apt(["update", "-qq"]);
    result = apt(["install", "-y", "--no-install-recommends", ...packages]);
  }
  if (result.status !== 0) log(`apt-get failed: ${String(result.stderr).trim().split("\n").slice(-3).join(" | ")}`);
  return binaries.every(onPath);
}
