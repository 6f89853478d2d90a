// Which compression a request gets: the key's level, overridden by the `x-opencompress-level`
// header, overridden by a body field `opencompress: {level, target_ratio, target_tokens}` — that
// field is the gateway's, so it is removed before the body is forwarded. An unknown level is a 400.
import type { FastifyRequest } from 'fastify';
import type { Level } from '../compress/types.js';
import { invalidRequest } from './errors.js';

export const LEVELS: readonly Level[] = ['off', 'lossless', 'balanced', 'aggressive'];
export const DEFAULT_LEVEL: Level = 'balanced';
/** The gateway's own body field: read here, never forwarded. */
export const CONTROL_FIELD = 'opencompress';

export interface CompressionControl {
  level: Level;
  targetRatio?: number;
  targetTokens?: number;
  /** the body carried an `opencompress` field (so its member is cut out of the forwarded text: raw-json.ts editBody) */
  bodyFieldStripped: boolean;
}

function parseLevel(value: unknown, where: string): Level {
  if (typeof value === 'string' && (LEVELS as readonly string[]).includes(value.trim().toLowerCase())) {
    return value.trim().toLowerCase() as Level;
  }
  throw invalidRequest(`Invalid compression level ${JSON.stringify(value)} in ${where}; use one of ${LEVELS.join(', ')}`, 'invalid_level');
}

/** Reads (and strips) the controls from `body`; `keyLevel` is the key's stored default. */
export function compressionControl(headers: FastifyRequest['headers'], body: Record<string, unknown>, keyLevel?: string | null): CompressionControl {
  let level: Level = keyLevel ? parseLevel(keyLevel, 'the key settings') : DEFAULT_LEVEL;
  const header = headers['x-opencompress-level'];
  if (header !== undefined) level = parseLevel(Array.isArray(header) ? header[0] : header, 'x-opencompress-level');
  const control: CompressionControl = { level, bodyFieldStripped: false };
  if (CONTROL_FIELD in body) {
    const field = body[CONTROL_FIELD];
    delete body[CONTROL_FIELD];
    control.bodyFieldStripped = true;
    if (field !== null && field !== undefined) {
      if (typeof field !== 'object' || Array.isArray(field)) throw invalidRequest('"opencompress" must be an object like {"level": "balanced"}', 'invalid_level');
      const f = field as Record<string, unknown>;
      if (f.level !== undefined) control.level = parseLevel(f.level, 'opencompress.level');
      if (f.target_ratio !== undefined) {
        if (typeof f.target_ratio !== 'number' || !(f.target_ratio > 0 && f.target_ratio <= 1)) {
          throw invalidRequest('opencompress.target_ratio must be a number in (0, 1]', 'invalid_level');
        }
        control.targetRatio = f.target_ratio;
      }
      if (f.target_tokens !== undefined) {
        if (typeof f.target_tokens !== 'number' || !Number.isInteger(f.target_tokens) || f.target_tokens < 1) {
          throw invalidRequest('opencompress.target_tokens must be a positive integer', 'invalid_level');
        }
        control.targetTokens = f.target_tokens;
      }
    }
  }
  return control;
}
