// Session authentication and CSRF protection for the dashboard API (/api/*).
//
// Session: cookie `oc_session` (HttpOnly, SameSite=Lax, Path=/, Secure when the request came over
// https or PUBLIC_URL is https) holding a random token; accounts/sessions.ts stores only its hash.
//
// CSRF, three layers on every state-changing request (POST/PUT/PATCH/DELETE):
//  1. SameSite=Lax: browsers do not send the cookie on cross-site POSTs at all.
//  2. Origin check: when the browser sends `Origin` its host must be this server's own host (or
//     it must be PUBLIC_URL's origin); `Sec-Fetch-Site: cross-site` is refused. This also covers sign-up and sign-in,
//     which have no session yet (login CSRF). Bodies must be JSON, which a cross-site HTML form
//     cannot send without a CORS preflight, and this server never answers preflights.
//  3. Synchronizer token: a signed-in request must carry `x-csrf-token` equal to the session's
//     token (an HMAC of the cookie token, handed to the page by /api/me and sign-in, never put in
//     a cookie), so even a same-site attacker without the page's JavaScript context cannot forge one.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Account } from '../accounts/accounts.js';
import { csrfMatches, SESSION_COOKIE, type NewSession, type SessionService, type VerifiedSession } from '../accounts/sessions.js';
import { parseCookies, serializeCookie } from './cookies.js';
import { adminOnly, csrfRejected, notSignedIn } from './dashboard-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the signed-in dashboard account (set by requireSession on /api routes) */
    account: Account | null;
    dashboardSession: VerifiedSession | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSecureRequest(request: FastifyRequest, config: Pick<Config, 'publicUrl'>): boolean {
  return request.protocol === 'https' || (config.publicUrl ?? '').toLowerCase().startsWith('https://');
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return parseCookies(request.headers.cookie)[SESSION_COOKIE];
}

export interface SessionAuth {
  /** onRequest hook: the Origin / Sec-Fetch-Site check for unsafe methods */
  originGuard(request: FastifyRequest): Promise<void>;
  /** preHandler: 401 unless signed in; 403 on an unsafe method without the CSRF token */
  requireSession(request: FastifyRequest): Promise<void>;
  /** preHandler after requireSession: 403 unless the account is the admin */
  requireAdmin(request: FastifyRequest): Promise<void>;
  /** the session for this request's cookie, if any (no CSRF check) */
  currentSession(request: FastifyRequest): Promise<VerifiedSession | null>;
  setCookie(request: FastifyRequest, reply: FastifyReply, session: NewSession): void;
  clearCookie(request: FastifyRequest, reply: FastifyReply): void;
}

export function createSessionAuth(config: Pick<Config, 'publicUrl'>, sessions: SessionService): SessionAuth {
  let publicOrigin: string | undefined;
  try {
    publicOrigin = config.publicUrl ? new URL(config.publicUrl).origin : undefined;
  } catch {
    publicOrigin = undefined;
  }

  const currentSession = async (request: FastifyRequest): Promise<VerifiedSession | null> => {
    if (request.dashboardSession) return request.dashboardSession;
    const token = sessionToken(request);
    const s = token ? await sessions.verify(token) : null;
    request.dashboardSession = s;
    request.account = s?.account ?? null;
    return s;
  };

  return {
    async originGuard(request) {
      if (SAFE_METHODS.has(request.method)) return;
      const origin = request.headers.origin;
      if (origin !== undefined) {
        // Compare hosts, not schemes: behind a TLS-terminating proxy the request arrives as http
        // while the browser's Origin says https. A foreign page cannot carry this server's host.
        let originHost: string | undefined;
        try {
          originHost = new URL(origin).host;
        } catch {
          originHost = undefined;
        }
        if (origin !== publicOrigin && (!originHost || originHost !== request.host)) throw csrfRejected('cross-origin request');
      } else if (request.headers['sec-fetch-site'] === 'cross-site') {
        throw csrfRejected('cross-site request');
      }
    },
    async requireSession(request) {
      const s = await currentSession(request);
      if (!s) throw notSignedIn();
      if (!SAFE_METHODS.has(request.method) && !csrfMatches(request.headers['x-csrf-token'], s.csrfToken)) {
        throw csrfRejected('missing or wrong CSRF token');
      }
    },
    async requireAdmin(request) {
      if (!request.account?.isAdmin) throw adminOnly();
    },
    currentSession,
    setCookie(request, reply, session) {
      const maxAge = (session.expiresAt.getTime() - Date.now()) / 1000;
      reply.header('set-cookie', serializeCookie(SESSION_COOKIE, session.token, { maxAgeSeconds: maxAge, secure: isSecureRequest(request, config) }));
    },
    clearCookie(request, reply) {
      reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: isSecureRequest(request, config) }));
    },
  };
}
