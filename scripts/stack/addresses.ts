import os from "node:os";

// Kept apart from proc.ts, with nothing but node:os, because next.config.ts imports it too.

/** This machine's non-loopback addresses, as they appear in a URL's host ([…] for IPv6; link-local left out). */
export function machineAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((i): i is os.NetworkInterfaceInfo => !!i && !i.internal && !i.address.startsWith("fe80:"))
    .map((i) => (i.family === "IPv6" ? `[${i.address}]` : i.address));
}
