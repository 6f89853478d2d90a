// o200k's pre-tokenizer for ASCII text, written out by hand. The tokenizer first cuts text into
// pieces with one large Unicode regex, then counts each piece's byte pairs; on a cache miss of the
// engine that regex is the largest single cost of token counting (irregexp tries the alternatives
// at every piece with Unicode property classes). For text that is all ASCII the classes are a
// 128-entry table, and the alternatives reduce to the scan below, about 4× faster. It must cut
// exactly where the regex does (counts are billed): `test/compress/o200k-split.test.ts` compares
// the two on random ASCII. Text with any other character goes through the regex.
//
// The regex's alternatives, in order, as they read on ASCII:
//   1. [^\r\n letter digit]? [A-Z]* [a-z]+ contraction?
//   2. [^\r\n letter digit]? [A-Z]+ [a-z]*  contraction?   (1 and 2 together: prefix? then a
//      non-empty run [A-Z]*[a-z]*, then contraction?)
//   3. \d{1,3}
//   4. ' '? [^\s letter digit]+ [\r\n/]*
//   5. \s* [\r\n]+        (ends at the last CR/LF of the white-space run)
//   6. \s+ (?!\S)         (the run but its last character, or the whole run at the end of the text)
//   7. \s+                (a single white-space character before a non-space)

const OTHER = 0;
const UPPER = 1;
const LOWER = 2;
const DIGIT = 3;
const SPACE = 4; // \t \v \f and ' '
const NEWLINE = 5; // \r \n (white space too)

const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  CLASS[c] =
    c >= 65 && c <= 90 ? UPPER
    : c >= 97 && c <= 122 ? LOWER
    : c >= 48 && c <= 57 ? DIGIT
    : c === 10 || c === 13 ? NEWLINE
    : c === 9 || c === 11 || c === 12 || c === 32 ? SPACE
    : OTHER;
}

/** The regex this scan stands for (gpt-tokenizer's o200k `tokenSplitRegex`): tokens.ts uses the
 *  scan only while the installed library's pattern is exactly this one. */
export const O200K_SPLIT_SOURCE = String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

const NON_ASCII = /[^\x00-\x7f]/;

/** Can the hand-written scan cut `text`? (all ASCII) */
export function asciiOnly(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** Length of the contraction ('s 'd 'm 't 'll 've 're, any case) at `i`, or 0. */
function contraction(t: string, i: number, n: number): number {
  if (i + 1 >= n || t.charCodeAt(i) !== 39) return 0;
  const a = t.charCodeAt(i + 1) | 32;
  if (a === 115 || a === 100 || a === 109 || a === 116) return 2;
  if (i + 2 < n) {
    const b = t.charCodeAt(i + 2) | 32;
    if ((a === 108 && b === 108) || (a === 118 && b === 101) || (a === 114 && b === 101)) return 3;
  }
  return 0;
}

/** End (exclusive) of the o200k piece that starts at `i` of the all-ASCII text `t` (length `n`). */
export function o200kPieceEnd(t: string, i: number, n: number): number {
  const first = CLASS[t.charCodeAt(i)];
  // 1–2: a letter run, with one leading space or punctuation character when a letter follows it
  let j = i;
  if ((first === OTHER || first === SPACE) && i + 1 < n) {
    const next = CLASS[t.charCodeAt(i + 1)];
    if (next === UPPER || next === LOWER) j = i + 1;
  }
  const at = CLASS[t.charCodeAt(j)];
  if (at === UPPER || at === LOWER) {
    let k = j;
    while (k < n && CLASS[t.charCodeAt(k)] === UPPER) k++;
    while (k < n && CLASS[t.charCodeAt(k)] === LOWER) k++;
    return k + contraction(t, k, n);
  }
  // 3: up to three digits
  if (first === DIGIT) {
    let k = i + 1;
    while (k < n && k < i + 3 && CLASS[t.charCodeAt(k)] === DIGIT) k++;
    return k;
  }
  // 4: punctuation, with one leading space, then any CR, LF and "/"
  let k = i;
  if (t.charCodeAt(k) === 32 && k + 1 < n && CLASS[t.charCodeAt(k + 1)] === OTHER) k++;
  if (CLASS[t.charCodeAt(k)] === OTHER) {
    while (k < n && CLASS[t.charCodeAt(k)] === OTHER) k++;
    for (let c = t.charCodeAt(k); k < n && (c === 10 || c === 13 || c === 47); c = t.charCodeAt(++k));
    return k;
  }
  // 5–7: white space
  let lastNewline = -1;
  for (; k < n; k++) {
    const c = CLASS[t.charCodeAt(k)];
    if (c === NEWLINE) lastNewline = k;
    else if (c !== SPACE) break;
  }
  if (lastNewline >= 0) return lastNewline + 1;
  if (k === n || k - i === 1) return k;
  return k - 1;
}
