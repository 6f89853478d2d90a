// How an upstream problem before the first answer byte becomes a gateway error — shared by
// POST /v1/chat/completions and POST /v1/messages so both answer connect → 502, timeout → 504,
// 5xx/401/403 → 502 and other 4xx passed on (429 with its Retry-After). The Messages route adds
// its own 529 rule on top (anthropic-upstream.ts).
import { upstreamErrorMessage } from '../upstream/error-message.js';
import { readBodyText } from '../upstream/read-capped.js';
import type { UpstreamFailure, UpstreamResponse } from '../upstream/client.js';
import { GatewayError, upstreamFailed, upstreamNotAllowed, upstreamRejected, upstreamTimeout } from './errors.js';

/** The usage status recorded for an upstream that answered ≥ 400. */
export type UpstreamStatusFailure = { error: GatewayError; status: 'upstream_error' | 'invalid_request' };

/** An upstream failure before any answer byte was sent → the gateway error to answer with. */
export function failureToError(f: UpstreamFailure): GatewayError {
  if (f.kind === 'timeout') return upstreamTimeout(f.phase ?? 'headers');
  if (f.kind === 'not_allowed') return upstreamNotAllowed(f.message);
  return upstreamFailed(`Upstream unreachable: ${f.message}`);
}

/** The upstream answered ≥ 400 → the gateway error (502 for 5xx and credential problems). */
export async function upstreamStatusError(res: UpstreamResponse, secrets: string[]): Promise<UpstreamStatusFailure> {
  return statusErrorFromText(res, upstreamErrorMessage(res.statusCode, await readBodyText(res.body), secrets));
}

/** The mapping itself, for a caller that has already read the upstream's error text. */
export function statusErrorFromText(res: Pick<UpstreamResponse, 'statusCode' | 'headers'>, message: string): UpstreamStatusFailure {
  if (res.statusCode >= 500 || res.statusCode === 401 || res.statusCode === 403) {
    return { error: upstreamFailed(message, res.statusCode), status: 'upstream_error' };
  }
  const error = upstreamRejected(res.statusCode, message);
  const retry = res.headers['retry-after'];
  if (res.statusCode === 429 && typeof retry === 'string') error.headers['retry-after'] = retry;
  return { error, status: res.statusCode === 429 ? 'upstream_error' : 'invalid_request' };
}
