// Token counting for the engine's stats and budgets. OpenAI model families get exact counts with
// gpt-tokenizer (o200k for GPT-4o/4.1/4.5/5, o-series, gpt-oss and unknown OpenAI names; cl100k for
// GPT-4, GPT-3.5 and the embedding models). Other vendors' tokenizers are not shipped, so their
// count is an estimate: ASCII characters / 4 plus non-ASCII UTF-16 units / 1.5 (CJK and emoji
// take about one token per 1–2 characters), rounded up. Special-token text such as
// "<|endoftext|>" inside user content is counted as ordinary text (that is what providers do with
// it) instead of throwing. Exact counts run gpt-tokenizer's own pre-tokenizer and BPE ranks in a
// leaner loop (no special-token scan, regex clone or match array per piece; falls back to the
// library's countTokens if its internals ever change shape), with o200k's pieces of all-ASCII text
// cut by hand (`o200k-split.ts`); `token-counter.ts` reuses counts of unchanged lines within a request.
import o200kApi, { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import cl100kApi, { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { asciiOnly, O200K_SPLIT_SOURCE, o200kPieceEnd } from './o200k-split.js';

export type TokenizerName = 'o200k' | 'cl100k' | 'estimate';

const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const O200K_GPT4 = /^gpt-4(o|\.)/;
const CL100K = /^(gpt-4|gpt-3\.5|text-embedding-|text-davinci|davinci|babbage)/;
const O200K = /^(gpt-|o\d|chatgpt-|codex-|omni-|computer-use)/;

/** Which tokenizer counts for `model` (undefined → o200k, the eval's and today's default). */
export function tokenizerFor(model?: string): TokenizerName {
  if (model === undefined || model === null || model === '') return 'o200k';
  let m = String(model).trim().toLowerCase();
  const slash = m.lastIndexOf('/');
  if (slash >= 0) {
    const vendor = m.slice(0, slash);
    m = m.slice(slash + 1);
    if (vendor !== 'openai' && vendor !== 'azure' && vendor !== 'openai-compatible') {
      // OpenRouter-style "vendor/model": only OpenAI's own models have a known tokenizer
      if (!O200K.test(m)) return 'estimate';
    }
  }
  if (O200K_GPT4.test(m)) return 'o200k';
  if (CL100K.test(m)) return 'cl100k';
  if (O200K.test(m)) return 'o200k';
  return 'estimate';
}

/** Documented estimate for tokenizers we do not ship. */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4 + other / 1.5);
}

/** Runs the BPE would take as one piece: byte-pair merging is quadratic in a piece's length, so
 *  a 100k-character line of "=" or "[" would take seconds. Such runs are counted in slices of
 *  RUN_SLICE characters (a tiny over-estimate on input that is pathological anyway); ordinary
 *  text never has them and is counted exactly. */
const LONG_RUN = /[^\s\p{L}\p{N}]{256,}|\p{L}{256,}|\p{N}{256,}/gu;
const RUN_SLICE = 64;

/** The part of gpt-tokenizer's BPE core the piece loop below needs (its own countTokens runs the
 *  same loop, plus a special-token scan, a regex clone and a match array per piece). */
interface BpeCore {
  getBpeRankFromString(piece: string): number | undefined;
  bytePairEncode(piece: string): number[];
  tokenSplitRegex: RegExp;
}

interface PieceCounter {
  core: BpeCore;
  /** the pre-tokenizer as a sticky regex: each match starts where the last one ended */
  split: RegExp;
  /** the same cut by hand for all-ASCII text (o200k-split.ts), where there is one */
  asciiEnd?: (text: string, start: number, length: number) => number;
  /** piece → its token count. Text is Zipfian: a few thousand pieces (" the", ",", " error") are
   *  most of any prompt, and a small map of them is far cheaper than the 200k-entry rank map plus
   *  the merge cache's LRU bookkeeping. Only short pieces: a longer slice would keep its whole
   *  source string alive (V8 sliced strings). Cleared when full. */
  memo: Map<string, number>;
  /** the same for pieces of one UTF-16 unit (by char code; 0 = not known yet) and of two (by
   *  both char codes as one number): no string is made or hashed for them */
  single: Uint8Array;
  pair: Map<number, number>;
}

const PIECE_MEMO_MAX = 50_000;
/** V8 copies slices shorter than 13 characters; longer ones point into their source string */
const PIECE_MEMO_MAX_LENGTH = 12;

/** `ascii`: a hand-written cut and the regex source it stands for (used only when that is the library's) */
function pieceCounter(api: unknown, ascii?: { source: string; end: NonNullable<PieceCounter['asciiEnd']> }): PieceCounter | undefined {
  const core = (api as { bytePairEncodingCoreProcessor?: Partial<BpeCore> } | undefined)?.bytePairEncodingCoreProcessor;
  if (!core || typeof core.getBpeRankFromString !== 'function' || typeof core.bytePairEncode !== 'function') return undefined;
  if (!(core.tokenSplitRegex instanceof RegExp)) return undefined;
  const source = core.tokenSplitRegex.source;
  return { core: core as BpeCore, split: new RegExp(source, 'uy'), asciiEnd: ascii?.source === source ? ascii.end : undefined, memo: new Map(), single: new Uint8Array(65536), pair: new Map() };
}

// undefined when a gpt-tokenizer release no longer has this shape: the library's countTokens is used
const PIECES: Record<'o200k' | 'cl100k', PieceCounter | undefined> = {
  o200k: pieceCounter(o200kApi, { source: O200K_SPLIT_SOURCE, end: o200kPieceEnd }),
  cl100k: pieceCounter(cl100kApi),
};

function pieceTokens(core: BpeCore, piece: string): number {
  return core.getBpeRankFromString(piece) !== undefined ? 1 : core.bytePairEncode(piece).length;
}

/** Count the BPE tokens of the pre-tokenizer's pieces of `text` (= countTokens with special-token
 *  text counted as ordinary text); undefined when a position matches no piece (never seen: every
 *  character belongs to one of the pattern's classes). */
function countPieces(p: PieceCounter, text: string): number | undefined {
  const { split, memo, single, pair } = p;
  const length = text.length;
  const asciiEnd = p.asciiEnd && asciiOnly(text) ? p.asciiEnd : undefined;
  let n = 0;
  let start = 0;
  split.lastIndex = 0;
  while (start < length) {
    let end: number;
    if (asciiEnd) end = asciiEnd(text, start, length);
    else {
      if (!split.test(text)) return undefined;
      end = split.lastIndex;
    }
    const len = end - start;
    if (len <= 0) return undefined;
    if (len === 1) {
      const code = text.charCodeAt(start);
      let c = single[code];
      if (c === 0) {
        c = pieceTokens(p.core, text.slice(start, end));
        single[code] = c;
      }
      n += c;
    } else if (len === 2) {
      const key = text.charCodeAt(start) * 65536 + text.charCodeAt(start + 1);
      let c = pair.get(key);
      if (c === undefined) {
        c = pieceTokens(p.core, text.slice(start, end));
        if (pair.size >= PIECE_MEMO_MAX) pair.clear();
        pair.set(key, c);
      }
      n += c;
    } else if (len > PIECE_MEMO_MAX_LENGTH) {
      n += pieceTokens(p.core, text.slice(start, end));
    } else {
      const piece = text.slice(start, end);
      let c = memo.get(piece);
      if (c === undefined) {
        c = pieceTokens(p.core, piece);
        if (memo.size >= PIECE_MEMO_MAX) memo.clear();
        memo.set(piece, c);
      }
      n += c;
    }
    start = end;
  }
  return n;
}

function exact(tokenizer: 'o200k' | 'cl100k', text: string): number {
  const p = PIECES[tokenizer];
  const n = p ? countPieces(p, text) : undefined;
  if (n !== undefined) return n;
  return tokenizer === 'o200k' ? countO200k(text, PLAIN_TEXT) : countCl100k(text, PLAIN_TEXT);
}

/** Cheap pre-check: could LONG_RUN match? Runs of ASCII letters, ASCII digits and other ASCII
 *  non-space characters are counted apart (minified JSON is a long run without white space, but
 *  not of one class); a non-ASCII character would need a Unicode lookup, so it extends all three
 *  runs. Never says no when LONG_RUN would match. */
function mayHaveLongRun(text: string): boolean {
  let letters = 0;
  let digits = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) {
      letters++;
      digits++;
      other++;
    } else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      letters++;
      digits = other = 0;
    } else if (c >= 48 && c <= 57) {
      digits++;
      letters = other = 0;
    } else if (c === 32 || (c >= 9 && c <= 13)) {
      letters = digits = other = 0;
    } else {
      other++;
      letters = digits = 0;
    }
    if (letters >= 256 || digits >= 256 || other >= 256) return true;
  }
  return false;
}

/** Exact BPE count (long runs sliced, see above); may throw on input the BPE rejects. */
export function countBpe(tokenizer: 'o200k' | 'cl100k', text: string): number {
  if (text.length < 256 || !mayHaveLongRun(text)) return exact(tokenizer, text);
  LONG_RUN.lastIndex = 0;
  if (!LONG_RUN.test(text)) return exact(tokenizer, text);
  LONG_RUN.lastIndex = 0;
  let n = 0;
  let at = 0;
  for (let m = LONG_RUN.exec(text); m; m = LONG_RUN.exec(text)) {
    if (m.index > at) n += exact(tokenizer, text.slice(at, m.index));
    for (let k = 0; k < m[0].length; k += RUN_SLICE) n += exact(tokenizer, m[0].slice(k, k + RUN_SLICE));
    at = m.index + m[0].length;
  }
  if (at < text.length) n += exact(tokenizer, text.slice(at));
  return n;
}

/** Count tokens with a named tokenizer; never throws. */
export function countWith(tokenizer: TokenizerName, text: string): number {
  if (!text) return 0;
  try {
    if (tokenizer === 'o200k' || tokenizer === 'cl100k') return countBpe(tokenizer, text);
  } catch {
    // fall through to the estimate (e.g. pathological input the BPE rejects)
  }
  return estimateTokens(text);
}

/** Count the tokens of `text` for `model` (see tokenizerFor). */
export function countTokens(text: string, model?: string): number {
  return countWith(tokenizerFor(model), typeof text === 'string' ? text : String(text ?? ''));
}
