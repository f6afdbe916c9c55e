// Serves the dashboard's built files (dist/dashboard) at GET / — no CDN, nothing fetched from the network.

import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorJson } from './dto.js';
import type { FastifyInstance } from './server.js';

/** Where `npm run build` puts the dashboard, next to the compiled API. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Registers GET / (index.html) and GET /assets/* from `dir`; says how to build it when it is missing. */
export function registerDashboard(app: FastifyInstance, dir = DASHBOARD_DIR, page = 'index.html'): void {
  const send = (file: string, reply: import('fastify').FastifyReply) => {
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    // Assets have content hashes in their names; the page itself must always be fresh.
    reply.header('cache-control', file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    return reply.type(type).send(readFileSync(file));
  };
  app.get('/', async (_req, reply) => {
    const index = join(dir, page);
    if (!existsSync(index)) {
      return reply
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>peerwarden</title><p>The dashboard is not built. Run <code>npm run build</code>; the API is under <a href="/api/v1/openapi.json">/api/v1</a>.</p>');
    }
    return send(index, reply);
  });
  app.get('/assets/*', async (req, reply) => {
    const rel = normalize((req.params as { '*': string })['*']);
    const file = join(dir, 'assets', rel);
    // Refuse anything that would step outside the assets folder.
    if (rel.startsWith('..') || rel.includes(`${sep}..`) || !file.startsWith(join(dir, 'assets') + sep) || !existsSync(file)) {
      const body: ErrorJson = { error: { code: 'not_found', message: `no asset ${JSON.stringify(rel)}` } };
      return reply.status(404).send(body);
    }
    return send(file, reply);
  });
}
