// API errors: one JSON shape, { error: { code, message } }, with the right HTTP status.

import { PeerwardenError } from '../core/errors.js';

/**
 * Thrown by route handlers; the server turns it into `{ error: { code, message } }` with `status`.
 * Its `code` is the API's own (snake_case, as the JSON bodies have always had it).
 */
export class ApiError extends PeerwardenError {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'bad_request') => new ApiError(400, code, message);
export const notFound = (message: string, code = 'not_found') => new ApiError(404, code, message);
export const conflict = (message: string, code = 'conflict') => new ApiError(409, code, message);
export const unavailable = (message: string, code = 'unavailable') => new ApiError(503, code, message);
