/** Structured JSON logs on stdout/stderr, one line per event. */
type Fields = Record<string, unknown>;

function write(level: "info" | "warn" | "error", fields: Fields, msg: string) {
  const { err, ...rest } = fields;
  const line: Fields = { level, time: new Date().toISOString(), msg, ...rest };
  if (err instanceof Error) line.err = { message: err.message, stack: err.stack };
  else if (err !== undefined) line.err = err;
  (level === "info" ? process.stdout : process.stderr).write(JSON.stringify(line) + "\n");
}

export const logger = {
  info: (fields: Fields, msg: string) => write("info", fields, msg),
  warn: (fields: Fields, msg: string) => write("warn", fields, msg),
  error: (fields: Fields, msg: string) => write("error", fields, msg),
};
