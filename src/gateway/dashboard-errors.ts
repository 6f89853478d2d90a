// The dashboard API's errors, in the same OpenAI shape and class as errors.ts (one error handler
// renders both). Kept beside it so the gateway's list stays about the proxy routes.
import { GatewayError } from './errors.js';

export const notSignedIn = () => new GatewayError(401, 'auth_error', 'You are not signed in, or your session has expired.', 'not_signed_in');

export const badCredentials = () => new GatewayError(401, 'auth_error', 'Incorrect email or password.', 'invalid_credentials');

export const tooManyLoginAttempts = (retryAfterSeconds: number) =>
  new GatewayError(
    429,
    'rate_limit_error',
    `Too many failed sign-in attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute${retryAfterSeconds > 60 ? 's' : ''}.`,
    'too_many_attempts',
    { 'retry-after': String(retryAfterSeconds) },
  );

export const csrfRejected = (why: string) => new GatewayError(403, 'auth_error', `Request refused: ${why}. Reload the page and try again.`, 'csrf_failed');

export const adminOnly = () => new GatewayError(403, 'auth_error', 'Only the administrator can do this.', 'admin_only');

export const signupClosed = () =>
  new GatewayError(403, 'auth_error', 'Self-service sign-up is closed on this server. Ask the administrator for an account.', 'signup_closed');

export const dashboardNotFound = (what: string) => new GatewayError(404, 'not_found_error', `No such ${what}.`, 'not_found');

export const conflict = (message: string, code = 'conflict') => new GatewayError(409, 'invalid_request_error', message, code);

export const badInput = (message: string, code: string | null = 'invalid_input') => new GatewayError(400, 'invalid_request_error', message, code);

export const tooManySignups = (retryAfterSeconds: number) =>
  new GatewayError(429, 'rate_limit_error', 'Too many accounts were created from your address recently. Try again later.', 'too_many_signups', {
    'retry-after': String(retryAfterSeconds),
  });
