// Word-level difference between an original and a compressed text, for the Playground's
// highlighting. Plain LCS over whitespace-separated tokens; for very large inputs it falls back to
// lines, and beyond that to no highlighting, so the page never freezes.

export interface Segment {
  text: string;
  changed: boolean;
}

const MAX_CELLS = 3_000_000;

function lcsMarks(a: string[], b: string[]): { inA: boolean[]; inB: boolean[] } | null {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) return null;
  // dp over suffixes, row by row in a flat Uint32Array
  const w = m + 1;
  const dp = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i * w + j] = a[i] === b[j] ? dp[(i + 1) * w + j + 1] + 1 : Math.max(dp[(i + 1) * w + j], dp[i * w + j + 1]);
    }
  }
  const inA = new Array<boolean>(n).fill(false);
  const inB = new Array<boolean>(m).fill(false);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      inA[i++] = true;
      inB[j++] = true;
    } else if (dp[(i + 1) * w + j] >= dp[i * w + j + 1]) i++;
    else j++;
  }
  return { inA, inB };
}

/**
 * Tokens → runs of changed / unchanged text. Whitespace never starts or ends a highlight: a changed
 * token's own leading and trailing whitespace (line mode: indentation) is left plain, and so is the
 * whitespace between a change and unchanged text. Whitespace between two changed tokens joins them
 * into one highlight only when it stays on the line; a line break (or a blank line) between them is
 * left plain, so the highlight never paints an empty line or the start of the next one.
 */
function segments(tokens: string[], kept: boolean[]): Segment[] {
  const out: Segment[] = [];
  const push = (text: string, changed: boolean) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.changed === changed) last.text += text;
    else out.push({ text, changed });
  };
  let gap = ''; // whitespace waiting to learn what follows it
  let afterChange = false; // the last non-whitespace text was changed
  for (let k = 0; k < tokens.length; k++) {
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(tokens[k])!;
    const [, lead, core, trail] = m;
    if (!core) {
      gap += tokens[k];
      continue;
    }
    const changed = !kept[k];
    gap += lead;
    push(gap, changed && afterChange && !gap.includes('\n'));
    push(core, changed);
    gap = trail;
    afterChange = changed;
  }
  push(gap, false);
  return out;
}

/** Split keeping the whitespace as its own tokens so the text can be rebuilt exactly. */
function tokenize(s: string, unit: 'word' | 'line'): string[] {
  return unit === 'word' ? s.split(/(\s+)/).filter((t) => t !== '') : s.split(/(\n)/).filter((t) => t !== '');
}

export function diffTexts(original: string, compressed: string): { original: Segment[]; compressed: Segment[] } {
  if (original === compressed) return { original: [{ text: original, changed: false }], compressed: [{ text: compressed, changed: false }] };
  for (const unit of ['word', 'line'] as const) {
    const a = tokenize(original, unit);
    const b = tokenize(compressed, unit);
    const marks = lcsMarks(a, b);
    if (marks) return { original: segments(a, marks.inA), compressed: segments(b, marks.inB) };
  }
  return { original: [{ text: original, changed: false }], compressed: [{ text: compressed, changed: false }] };
}
