// Code: white space only. Keeps every token of the code, its indentation and its line structure
// (they carry meaning in Python, YAML, Makefiles, and a model quoting code needs them exact).
// Drops: trailing spaces/tabs and runs of blank lines (folded to one). Why not more: dropping
// comments or lines of code silently changes what the model sees as "the code", and the questions
// asked about code ("quote the signature", "which function calls X") need it verbatim.
import type { Block, Transform } from '../types.js';
import { normalizeWhitespace } from './whitespace.js';

export const code: Transform = (block: Block): Block => {
  const text = normalizeWhitespace(block.text, true);
  return text.length < block.text.length ? { ...block, text } : block;
};
