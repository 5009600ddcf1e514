import { ApiError } from "./errors";

/** Deeper than any body we accept; deep enough nesting overflows the stack of every recursive reader after us. */
export const MAX_JSON_DEPTH = 32;

/**
 * JSON.parse for text a client sent: malformed JSON, nesting deeper than MAX_JSON_DEPTH and NUL
 * characters (PostgreSQL text and jsonb cannot hold them) are the client's mistake, answered with 400.
 */
export function parseClientJson(text: string, what = "The request body"): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", `${what} is not valid JSON.`);
  }
  assertPlainJson(value, what);
  return value;
}

/** Walks the parsed value without recursion, so hostile nesting cannot overflow the stack here either. */
function assertPlainJson(root: unknown, what: string): void {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === "string") {
      if (value.includes("\u0000")) throw new ApiError(400, "invalid_json", `${what} contains a NUL character.`);
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) throw new ApiError(400, "invalid_json", `${what} is nested deeper than ${MAX_JSON_DEPTH} levels.`);
    for (const [key, child] of Object.entries(value)) {
      if (key.includes("\u0000")) throw new ApiError(400, "invalid_json", `${what} contains a NUL character.`);
      stack.push([child, depth + 1]);
    }
  }
}
