// Hand-written equivalents of the costliest span regexes of protect.ts (e-mail, snake_case,
// camelCase, Foo.bar, "n't" negations). Each returns exactly what `text.match(re)` returns for its
// global regex (the same matches, in the same order, or null), but looks only around the
// characters a match must contain ("@", "_", a lower-case letter before a capital, ".", an
// apostrophe) instead of trying the regex at every word of the text. Why it is exact: without the
// `u` flag `\w` is [A-Za-z0-9_]; a snake_case or camelCase match starts and ends at `\b` and its
// characters are all word characters, so it is a whole run of word characters with the pattern's
// shape; an e-mail's local part is the run of [\w.+-] before its "@", starting at its leftmost `\b`
// within 64 characters, and the domain does not depend on where the local part starts (Foo.bar:
// see findDotted). `test/compress/span-finders.test.ts` compares each finder with its regex on
// random text.

function isWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function isLocal(c: number): boolean {
  return isWord(c) || c === 46 || c === 43 || c === 45; // . + -
}

/** \b at i (start and end of text count as non-word) */
function boundary(text: string, i: number): boolean {
  const before = i > 0 && isWord(text.charCodeAt(i - 1));
  const after = i < text.length && isWord(text.charCodeAt(i));
  return before !== after;
}

/** the whole runs of word characters around the positions `at` yields that have `shape` */
function wordRuns(text: string, positions: Iterable<number>, shape: RegExp): string[] | null {
  let out: string[] | null = null;
  let after = -1;
  for (const p of positions) {
    if (p < after) continue;
    let s = p;
    while (s > 0 && isWord(text.charCodeAt(s - 1))) s--;
    let e = p;
    while (e < text.length && isWord(text.charCodeAt(e))) e++;
    after = e;
    const run = text.slice(s, e);
    if (shape.test(run)) (out ??= []).push(run);
  }
  return out;
}

function* indexes(text: string, ch: string): Generator<number> {
  for (let at = text.indexOf(ch); at >= 0; at = text.indexOf(ch, at + 1)) yield at;
}

function* regexIndexes(text: string, re: RegExp): Generator<number> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) yield m.index;
}

const SNAKE_SHAPE = /^[A-Za-z0-9]{1,64}(?:_[A-Za-z0-9]{1,64}){1,16}$/;
/** = text.match(/\b[A-Za-z0-9]{1,64}(?:_[A-Za-z0-9]{1,64}){1,16}\b/g) */
export function findSnake(text: string): string[] | null {
  return wordRuns(text, indexes(text, '_'), SNAKE_SHAPE);
}

const LOWER_UPPER = /[a-z][A-Z]/g;
const CAMEL_SHAPE = /^[a-z]+[A-Z][A-Za-z0-9]*$/;
/** = text.match(/\b[a-z]+[A-Z][A-Za-z0-9]*\b/g) */
export function findCamel(text: string): string[] | null {
  return wordRuns(text, regexIndexes(text, LOWER_UPPER), CAMEL_SHAPE);
}

/** = text.match(/\b\w+n't\b/gi) */
export function findNegationContractions(text: string): string[] | null {
  let out: string[] | null = null;
  for (let q = text.indexOf("'"); q >= 0; q = text.indexOf("'", q + 1)) {
    const n = text.charCodeAt(q - 1);
    const t = text.charCodeAt(q + 1);
    if ((n !== 110 && n !== 78) || (t !== 116 && t !== 84)) continue;
    if (q + 2 < text.length && isWord(text.charCodeAt(q + 2))) continue;
    let s = q - 1;
    while (s > 0 && isWord(text.charCodeAt(s - 1))) s--;
    if (q - 1 - s < 1) continue; // \w+ before the n
    (out ??= []).push(text.slice(s, q + 2));
  }
  return out;
}

const DOMAIN = /[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b/y;
/** = text.match(/\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b/g) */
export function findEmails(text: string): string[] | null {
  let out: string[] | null = null;
  let from = 0; // end of the last match: the next one starts at or after it
  for (let a = text.indexOf('@', from); a >= 0; a = text.indexOf('@', Math.max(a + 1, from))) {
    const floor = Math.max(a - 64, from);
    let r = a;
    while (r > floor && isLocal(text.charCodeAt(r - 1))) r--;
    let start = -1;
    for (let i = r; i < a; i++) {
      if (boundary(text, i)) {
        start = i;
        break;
      }
    }
    if (start < 0) continue;
    DOMAIN.lastIndex = a + 1;
    const d = DOMAIN.exec(text);
    if (!d) continue;
    const end = a + 1 + d[0].length;
    (out ??= []).push(text.slice(start, end));
    from = end;
  }
  return out;
}

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36; // [A-Za-z_$]
}

function isIdChar(c: number): boolean {
  return isWord(c) || c === 36; // [\w$]
}

/** = text.match(/\b[A-Za-z_$][\w$]{0,64}(?:\.[A-Za-z_$][\w$]{0,64}){1,16}(?:\(\))?/g) (Foo.bar,
 *  obj.method()). A match's first segment runs from its start to a "." (at most 65 [\w$]
 *  characters, starting at the leftmost `\b` that allows it); then up to 16 ".segment"s, each as
 *  long as it can be (at most 65 characters), then an optional "()". */
export function findDotted(text: string): string[] | null {
  let out: string[] | null = null;
  let from = 0;
  const n = text.length;
  for (let d = text.indexOf('.'); d >= 0; d = text.indexOf('.', Math.max(d + 1, from))) {
    if (!isIdStart(text.charCodeAt(d + 1))) continue;
    const floor = Math.max(from, d - 65);
    let r = d;
    while (r > floor && isIdChar(text.charCodeAt(r - 1))) r--;
    let start = -1;
    for (let i = r; i < d; i++) {
      if (isIdStart(text.charCodeAt(i)) && boundary(text, i)) {
        start = i;
        break;
      }
    }
    if (start < 0) continue;
    let e = d;
    for (let groups = 0; groups < 16 && text.charCodeAt(e) === 46 && isIdStart(text.charCodeAt(e + 1)); groups++) {
      const limit = Math.min(n, e + 66);
      let k = e + 2;
      while (k < limit && isIdChar(text.charCodeAt(k))) k++;
      e = k;
    }
    if (text.charCodeAt(e) === 40 && text.charCodeAt(e + 1) === 41) e += 2;
    (out ??= []).push(text.slice(start, e));
    from = e;
  }
  return out;
}
