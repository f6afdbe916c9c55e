// Builds the OpenAPI 3.1 document of /api/v1 from the routes' own schemas, so it cannot drift from them.

type JsonSchema = Record<string, unknown>;

export interface RouteDoc {
  method: string;
  url: string;
  schema?: {
    summary?: string;
    description?: string;
    tags?: string[];
    querystring?: JsonSchema;
    params?: JsonSchema;
    body?: JsonSchema;
    /** Documented responses (not used for serialisation): status → description. */
    [key: string]: unknown;
  };
}

function parameters(where: 'query' | 'path', schema: JsonSchema | undefined): unknown[] {
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(s.description ? { description: s.description } : {}),
    schema: s,
  }));
}

/** The OpenAPI document for `routes` (paths in Fastify's `:param` form are converted to `{param}`). */
export function buildOpenApi(title: string, version: string, routes: RouteDoc[]): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const s = r.schema ?? {};
    const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(r.method);
    const op: Record<string, unknown> = {
      summary: s.summary ?? `${r.method} ${r.url}`,
      ...(s.description ? { description: s.description } : {}),
      ...(s.tags ? { tags: s.tags } : {}),
      parameters: [...parameters('path', s.params), ...parameters('query', s.querystring)],
      responses: {
        '200': { description: 'OK (JSON)' },
        '400': { description: 'Invalid input: { error: { code, message } }' },
        ...(mutating ? { '401': { description: 'Missing or wrong bearer token' } } : {}),
        '404': { description: 'Unknown resource' },
      },
      ...(mutating ? { security: [{ bearer: [] }] } : {}),
    };
    if (s.body) op.requestBody = { required: true, content: { 'application/json': { schema: s.body } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title, version },
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the token in <dataDir>/api.token' } } },
  };
}

/** A route schema with its documentation fields, typed for Fastify (which ignores the extra keys). */
export function documented(schema: NonNullable<RouteDoc['schema']>): Record<string, never> {
  return schema as unknown as Record<string, never>;
}
