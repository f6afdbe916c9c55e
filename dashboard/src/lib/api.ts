// Talks to the API: JSON reads and writes, with the server's `{ error: { code, message } }` turned into a typed error.

/** A request the server refused or could not answer; `message` is the server's own words when it gave some. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** How long a request may take before the page treats the node as unreachable. */
const REQUEST_TIMEOUT_MS = 5000;

async function errorFrom(res: Response): Promise<ApiRequestError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return new ApiRequestError(res.status, body.error.code ?? 'error', body.error.message);
  } catch {
    // Not JSON: fall through to a generic message.
  }
  return new ApiRequestError(res.status, 'http_error', `the server answered HTTP ${res.status} ${res.statusText}`);
}

async function request<T>(method: string, path: string, opts: { body?: unknown; token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiRequestError(0, 'unreachable', `cannot reach the API (${(err as Error).message})`);
  }
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

export const getJson = <T>(path: string) => request<T>('GET', path);
export const postJson = <T>(path: string, body: unknown, token: string) => request<T>('POST', path, { body, token });
export const deleteJson = <T>(path: string, token: string) => request<T>('DELETE', path, { token });
