// Which transforms run, in order, for a block kind at a level. Lossless passes come first; the
// lossy ones (prose selection and word removal) only at balanced and aggressive.
import type { BlockKind, Level, Transform } from './types.js';
import { whitespace } from './transforms/whitespace.js';
import { code } from './transforms/code.js';
import { prose } from './transforms/prose.js';
import { markdown } from './transforms/markdown.js';
import { json } from './transforms/json.js';
import { logs } from './transforms/logs.js';

type Named = readonly [string, Transform];

const LOSSLESS: Record<BlockKind, readonly Named[]> = {
  prose: [['whitespace', whitespace]],
  markdown: [['whitespace', whitespace], ['markdown', markdown]],
  html: [['whitespace', whitespace], ['markdown', markdown]],
  table: [['whitespace', whitespace], ['markdown', markdown]],
  code: [['code', code]],
  json: [['json', json]],
  log: [['logs', logs]],
};

const LOSSY: Record<BlockKind, readonly Named[]> = {
  prose: [['whitespace', whitespace], ['prose', prose]],
  markdown: [['whitespace', whitespace], ['markdown', markdown], ['prose', prose]],
  html: [['whitespace', whitespace], ['markdown', markdown], ['prose', prose]],
  table: [['whitespace', whitespace], ['markdown', markdown]],
  code: [['code', code]],
  json: [['json', json]],
  log: [['logs', logs]],
};

export function transformsFor(kind: BlockKind, level: Exclude<Level, 'off'>): readonly Named[] {
  return (level === 'lossless' ? LOSSLESS : LOSSY)[kind] ?? LOSSLESS.prose;
}
