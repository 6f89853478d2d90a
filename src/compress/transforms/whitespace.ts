// Whitespace normalisation: the lossless pass every block goes through first.
// Keeps: every visible character, line structure, leading indentation, one blank line between
// paragraphs. Drops: trailing spaces/tabs on each line, CR of CRLF, runs of blank lines (folded to
// one), and - outside code - runs of inner spaces/tabs (folded to one space) and non-breaking or
// zero-width spaces. Why: white space costs tokens and carries no meaning in prose, and in code
// only indentation and line breaks matter (so code keeps its inner spacing and indentation).
import type { Block, Transform } from '../types.js';

const CRLF = /\r\n?/g;
const TRAILING = /[ \t\u00a0]+$/gm;
const BLANK_RUNS = /\n{3,}/g;
const ZERO_WIDTH = /[\u200b\u200c\u200d\u2060\ufeff]/g;
const INNER_RUN = /(\S)[ \t\u00a0]{2,}(?=\S)/g;
const NBSP = /\u00a0/g;

/** Normalise white space in `text`; `code` keeps inner spacing and indentation. */
export function normalizeWhitespace(text: string, code: boolean): string {
  let t = text.indexOf('\r') >= 0 ? text.replace(CRLF, '\n') : text;
  t = t.replace(TRAILING, '');
  if (!code) {
    t = t.replace(ZERO_WIDTH, '').replace(INNER_RUN, '$1 ').replace(NBSP, ' ');
  }
  t = t.replace(BLANK_RUNS, '\n\n');
  // leading and trailing blank lines of the block
  let s = 0;
  while (s < t.length && t.charCodeAt(s) === 10) s++;
  let e = t.length;
  while (e > s && t.charCodeAt(e - 1) === 10) e--;
  return s > 0 || e < t.length ? t.slice(s, e) : t;
}

export const whitespace: Transform = (block: Block): Block => {
  const code = block.kind === 'code' || block.kind === 'json' || block.kind === 'log';
  const text = normalizeWhitespace(block.text, code);
  return text.length < block.text.length ? { ...block, text } : block;
};
