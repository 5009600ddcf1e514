export * from "./users";
export * from "./files";
export * from "./uploads";
export * from "./audit";
export * from "./api-keys";
export * from "./rate-limits";
export * from "./webhooks";
export * from "./processing";
