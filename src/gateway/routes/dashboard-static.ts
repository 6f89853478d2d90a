// Serves the built dashboard (web/dist, produced by `npm run build`) at `/` with @fastify/static,
// plus the single-page-app fallback: any other GET that wants HTML and is not under /v1 or /api gets
// index.html, so /usage or /keys can be reloaded or bookmarked. Hashed assets are cached for a
// year; index.html is revalidated every time. Without a build, `/` explains how to make one.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayContext } from '../context.js';
import { notFound } from '../errors.js';

/** web/dist, found from src/gateway/routes/ (tsx) or dist/gateway/routes/ (built) alike. */
export function webDistDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist');
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

function wantsHtml(request: FastifyRequest): boolean {
  const p = request.url.split('?')[0];
  if (p.startsWith('/v1/') || p === '/v1' || p.startsWith('/api/') || p === '/api') return false;
  if (/\.[a-z0-9]{1,8}$/i.test(p)) return false; // a missing asset is a 404, not the app
  return (request.headers.accept ?? '*/*').includes('text/html') || (request.headers.accept ?? '') === '*/*';
}

export async function dashboardStaticRoute(app: FastifyInstance, _ctx: GatewayContext, root = webDistDir()): Promise<void> {
  const built = existsSync(join(root, 'index.html'));
  const spa404 = (request: FastifyRequest, reply: FastifyReply) => {
    const gw = notFound(request.method, request.url);
    return reply.code(404).type('application/json; charset=utf-8').send(gw.toBody());
  };

  if (!built) {
    app.get('/', async (_request, reply) => {
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The OpenCompress dashboard has not been built. Run `npm run build` (or `npm install`) in the checkout, then restart.\nThe API is available under /v1.');
    });
    return;
  }

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false, // one route per built file; the SPA fallback below handles the rest
    index: false,
    cacheControl: false,
    setHeaders: (reply: FastifyReply, path: string) => {
      reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.headers(SECURITY_HEADERS);
    },
  });

  const sendApp = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').headers(SECURITY_HEADERS).sendFile('index.html', root);
  app.get('/', (_request, reply) => sendApp(reply));
  app.get('/*', (request, reply) => (wantsHtml(request) ? sendApp(reply) : spa404(request, reply)));
}
