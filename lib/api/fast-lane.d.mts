// Types for lib/api/fast-lane.mjs (plain JavaScript: server.mjs runs it without a TypeScript step).
import type { IncomingMessage, ServerResponse } from "node:http";

export interface LaneSegment {
  /** 0 static, 1 `[name]`, 2 `[...name]`, 3 `[[...name]]`. */
  kind: 0 | 1 | 2 | 3;
  name: string;
}
export interface LaneRoute {
  pattern: string;
  file: string;
  segments: LaneSegment[];
}
export function apiRoutes(appPaths: Record<string, string>): LaneRoute[];
export function matchRoute(routes: LaneRoute[], pathname: string): { route: LaneRoute; params: Record<string, string | string[]> } | null;

export interface FastLane {
  readonly served: number;
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}
export function createFastLane(opts: {
  dir: string;
  port: number;
  log: { warn: (...args: unknown[]) => void; error: (...args: unknown[]) => void };
  fallback: (req: IncomingMessage, res: ServerResponse) => void;
}): Promise<FastLane | null>;
