import { z } from "zod";
import { API_ROUTES, type RouteDoc } from "./routes";
import { errorEnvelope } from "./responses";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", reused: "inline" }) as JsonSchema;
  return rest;
}

function queryParameters(query: z.ZodObject) {
  const schema = jsonSchema(query, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name, in: "query", required: schema.required?.includes(name) ?? false, schema: s,
    ...(s.type === "array" ? { style: "form", explode: true } : {}),
  }));
}

function operation(route: RouteDoc) {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1], in: "path", required: true,
    // Event ids are the edge box's own names, {n} a version number; every other path id is a UUID.
    schema: m[1] === "eventId" ? { type: "string", minLength: 1, maxLength: 128 } : m[1] === "n" ? { type: "integer", minimum: 1 } : { type: "string", format: "uuid" },
  }));
  const responses: Record<string, unknown> = {};
  for (const [status, res] of Object.entries(route.responses)) {
    const content = res.schema
      ? { "application/json": { schema: jsonSchema(res.schema, "output") } }
      : res.binary
        ? { [res.binary]: { schema: { type: "string", format: "binary" } } }
        : Number(status) >= 400
          ? { "application/json": { schema: { $ref: "#/components/schemas/Error" } } }
          : undefined;
    responses[status] = { description: res.description, ...(content ? { content } : {}) };
  }
  for (const [status, description] of [["400", "Invalid input"], ["401", "No session or API key"], ["403", "Missing permission or key scope"], ["429", "Rate limited (see Retry-After)"]]) {
    responses[status] ??= { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  }
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId: `${route.method}${route.path.replace(/\/api\/v1|[{}]/g, "").replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}`,
    description: `Requires the \`${route.permission}\` permission (or an API key scope granting it).`,
    parameters: [...pathParams, ...(route.query ? queryParameters(route.query) : [])],
    ...(route.body
      ? { requestBody: { required: true, content: { [route.form ? "multipart/form-data" : "application/json"]: { schema: jsonSchema(route.body, "input") } } } }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 description of /api/v1, built from the zod schemas the routes parse their input with. */
export function buildOpenApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: "3.1.0",
    info: {
      title: "Framevault API",
      version: "1.0.0",
      description: "Media store of the AI camera counting system. Every error is `{ \"error\": { \"code\", \"message\" } }`.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "An API key (fvk_…) from /settings/api-keys." },
        sessionCookie: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "A browser session." },
      },
      schemas: { Error: jsonSchema(errorEnvelope, "output") },
    },
    paths,
  };
}
