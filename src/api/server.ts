// The HTTP server shared by the node, the hub and the observer: JSON errors, Host and Origin checks, bearer auth, OpenAPI, CORS.

import { PeerwardenError } from '../core/errors.js';
import { Ajv } from 'ajv';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { formatEndpoint, type Endpoint } from '../core/address/index.js';
import { AccessPolicy, type AccessOptions } from './access.js';
import type { ErrorJson } from './dto.js';
import { ApiError } from './errors.js';
import { buildOpenApi, documented, type RouteDoc } from './openapi.js';
import { tokenMatches } from './token.js';

export interface ApiServerOptions extends AccessOptions {
  /** Where to bind; 127.0.0.1 by default in every config. */
  listen: Endpoint;
  /** Bearer token for mutating routes; without one, mutating routes answer 403. */
  token?: string;
  /** Title and version of the OpenAPI document. */
  title: string;
  version: string;
}

/** Thrown when the HTTP API cannot bind its address; the message says what to do. */
export class ApiListenError extends PeerwardenError {
  readonly code = 'api-listen-failed';
  override readonly name = 'ApiListenError';
  constructor(
    readonly endpoint: string,
    /** The system's error code (EADDRINUSE…), when there was one. */
    readonly errno: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What a listed origin may do: every method the API has, and the headers its clients send. */
const CORS_METHODS = 'GET, HEAD, POST, DELETE';
const CORS_HEADERS = 'authorization, content-type, last-event-id';
/** Browsers cache a preflight answer this long (seconds), so a page does not preflight every call. */
const CORS_MAX_AGE_S = 600;

function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  const body: ErrorJson = { error: { code, message } };
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** JSON that survives bigints (services flags) by writing them as decimal strings. */
function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** The type of what stringifyJson writes for a T: bigints become decimal strings, the rest stays as it is. */
export type Wire<T> = T extends bigint ? string : T extends readonly (infer E)[] ? Wire<E>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/**
 * `value` typed as the JSON the reply serializer writes for it, so that a route returning a library
 * object with bigints (PeerInfo's `services`) can be typed with its DTO. Changes nothing at run time.
 */
export function asWire<T>(value: T): Wire<T> {
  return value as unknown as Wire<T>;
}

export class ApiServer {
  readonly app: FastifyInstance;
  readonly #opts: ApiServerOptions;
  readonly #routes: RouteDoc[] = [];
  readonly #access: AccessPolicy;
  #url: string | undefined;

  constructor(opts: ApiServerOptions) {
    this.#opts = opts;
    const app = Fastify({
      logger: false,
      bodyLimit: 64 * 1024,
      forceCloseConnections: true,
      // Errors the router raises before any route runs (a malformed %-escape…) get the same JSON shape.
      frameworkErrors: (err, _req, reply) => void sendError(reply, 400, 'bad_request', err.message),
    });
    this.app = app;
    app.setReplySerializer((payload) => stringifyJson(payload));
    // Bodies are validated strictly: a number where a string belongs, or an unknown field, is a 400,
    // not silently converted or dropped. Query strings and path parameters arrive as text, so they
    // are coerced to the declared types.
    const strict = new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: true, strict: false });
    const coercing = new Ajv({ allErrors: true, coerceTypes: 'array', removeAdditional: false, useDefaults: true, strict: false });
    app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));

    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'HEAD') continue;
        this.#routes.push({ method, url: route.url, schema: route.schema as RouteDoc['schema'] });
      }
    });

    // Who may talk to the API (docs/operations.md, "Who can reach the API"). Reads need no token: the
    // API binds to loopback by default, so they are open to this machine's users. Browsers are kept
    // out by their same-origin policy, which holds only because (1) no response carries a wildcard
    // CORS header — only origins the operator listed get one, reflected — and (2) requests addressed
    // to any name but the API's own are refused, which defeats DNS rebinding. Writes also need the
    // bearer token, which no web page has.
    const access = new AccessPolicy(opts);
    this.#access = access;
    app.addHook('onRequest', async (req, reply) => {
      const host = req.headers.host;
      if (!access.hostAllowed(host)) return sendError(reply, 403, 'host_not_allowed', access.hostRefusal(host ?? ''));
      // Security headers on every answer: no other site may frame the dashboard (clickjacking a ban
      // button), and browsers must not guess content types.
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
      reply.header('content-security-policy', "frame-ancestors 'none'");
      const origin = req.headers.origin;
      if (access.hasCorsOrigins) reply.header('vary', 'Origin');
      if (origin !== undefined) {
        if (access.originAllowed(origin)) reply.header('access-control-allow-origin', origin);
        else if (!access.sameOrigin(origin, host)) {
          // A page of another site: browsers send Origin on its fetches (and on every POST/DELETE).
          // Refusing before any work also keeps such a page from opening event streams or
          // rendering /metrics in a loop, even though it could not read the answers.
          return sendError(reply, 403, 'origin_not_allowed', access.originRefusal(origin));
        }
      }
      if (req.method === 'OPTIONS') return; // the preflight route below answers
      // An unknown route is a 404 whoever asks: no token needed to learn it does not exist.
      if (req.is404) return;
      if (SAFE_METHODS.has(req.method)) return;
      if (!opts.token) {
        return sendError(reply, 403, 'read_only', 'this server has no API token, so it accepts no changes');
      }
      const auth = req.headers.authorization;
      const presented = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
      if (!tokenMatches(opts.token, presented)) {
        reply.header('www-authenticate', 'Bearer');
        return sendError(
          reply,
          401,
          'unauthorized',
          presented === undefined
            ? 'this route changes the node: send "Authorization: Bearer <token>" (the token is in <dataDir>/api.token)'
            : 'wrong API token: use the one in <dataDir>/api.token',
        );
      }
    });

    // CORS preflight, for listed origins only (the hook above already refused any other origin).
    // Without an Origin it is a plain OPTIONS: say which methods exist.
    app.options('*', async (req, reply) => {
      if (req.headers.origin === undefined || req.headers['access-control-request-method'] === undefined) {
        return reply.status(204).header('allow', CORS_METHODS).send();
      }
      return reply
        .status(204)
        .header('access-control-allow-methods', CORS_METHODS)
        .header('access-control-allow-headers', CORS_HEADERS)
        .header('access-control-max-age', String(CORS_MAX_AGE_S))
        .send();
    });

    // Bodies are JSON. Tools often send JSON without saying so (fetch without headers sends text/plain,
    // curl -d sends a form type): take those too when they parse, and say what is expected otherwise.
    app.removeContentTypeParser(['text/plain']);
    app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, body === '' ? undefined : JSON.parse(body as string));
      } catch {
        done(new ApiError(415, 'unsupported_media_type', 'this API takes JSON bodies: send "content-type: application/json" and a JSON object'), undefined);
      }
    });

    app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, _req, reply) => {
      if (err instanceof ApiError) return sendError(reply, err.status, err.code, err.message);
      if (err.validation) return sendError(reply, 400, 'invalid_request', `invalid request: ${err.message}`);
      const status = err.statusCode ?? 500;
      if (status < 500) {
        const code = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : 'bad_request';
        return sendError(reply, status, code, err.message);
      }
      // An unexpected failure: say so without leaking internals, and keep serving.
      return sendError(reply, 500, 'internal', `internal error: ${err.message}`);
    });

    app.setNotFoundHandler((req, reply) =>
      sendError(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}; see GET /api/v1/openapi.json`),
    );

    const openapi = async () => buildOpenApi(opts.title, opts.version, this.#routes.filter((r) => r.url.startsWith('/api/v1')));
    app.get('/api/v1/openapi.json', { schema: documented({ summary: 'This OpenAPI document' }) }, openapi);
    app.get('/openapi.json', openapi);
  }

  /** The base URL once listening, e.g. http://127.0.0.1:7001. */
  get url(): string {
    if (!this.#url) throw new Error('the API server is not listening yet');
    return this.#url;
  }

  /** Binds the address; a port in use or a refused address becomes an ApiListenError that says what to do. */
  async start(): Promise<string> {
    const { ip, port } = this.#opts.listen;
    try {
      await this.app.listen({ host: ip, port });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const where = formatEndpoint({ ip, port });
      const hint =
        code === 'EADDRINUSE'
          ? `${where} is already in use: stop the other process or pick another address (--api-listen, or api.listen in the config)`
          : code === 'EADDRNOTAVAIL'
            ? `${where} is not an address of this machine: pick one it has (--api-listen)`
            : code === 'EACCES'
              ? `not allowed to bind ${where}: use a port above 1023 or run with the needed privilege`
              : `cannot listen on ${where}: ${(err as Error).message}`;
      throw new ApiListenError(where, code, `HTTP API: ${hint}`);
    }
    const addr = this.app.server.address();
    const bound = typeof addr === 'object' && addr ? addr.port : port;
    this.#access.bound(ip, bound);
    this.#url = `http://${ip.includes(':') ? `[${ip}]` : ip}:${bound}`;
    return this.#url;
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

/** Parses a positive integer query value with a default and a cap, or throws a 400. */
export function intParam(value: unknown, name: string, dflt: number, max: number): number {
  if (value === undefined || value === '') return dflt;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ApiError(400, 'bad_request', `${name} must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
  return Math.min(n, max);
}

export type { FastifyInstance, FastifyReply, FastifyRequest };
