// Token counting for one compressMessages call, without counting the same text twice. A text is
// cut into line chunks at boundaries where both BPE tokenizers (o200k, cl100k) are guaranteed to
// split anyway, so the count of the text is exactly the sum of the counts of its chunks; each
// chunk's count is remembered for the call. The compressed form of a message mostly consists of
// lines of the original (kept sentences, untouched code, JSON, the verbatim question), so counting
// it costs only the lines a transform changed. Numbers are identical to counting the whole text.
//
// Why the cut is exact: the pre-tokenizer regexes never put a newline and the next character in one
// piece when that character is printable ASCII other than "/" (o200k lets punctuation absorb
// "[\r\n/]*", so "/" after a newline is excluded; white space after a newline may join the newline
// run). A piece never crosses such a boundary, nothing before it looks ahead past the newline, and a
// scan restarted there finds the same pieces. Long runs (see tokens.ts) never contain a newline, so
// slicing them is unaffected. `test/compress/tokens.test.ts` checks the equality on random text.
import { countBpe, estimateTokens, type TokenizerName } from './tokens.js';

/** the character right after a newline allows a cut: printable ASCII except "/" */
function cuttable(c: number): boolean {
  return c > 32 && c < 127 && c !== 47;
}

export class TokenCounter {
  private readonly memo = new Map<string, number>();

  constructor(readonly tokenizer: TokenizerName) {}

  /** Exact count of `text` (as countWith); never throws. */
  count(text: string): number {
    if (!text) return 0;
    const tokenizer = this.tokenizer;
    if (tokenizer === 'estimate') return estimateTokens(text);
    try {
      let n = 0;
      let start = 0;
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
        if (!cuttable(text.charCodeAt(at + 1))) continue;
        n += this.chunk(tokenizer, text.slice(start, at + 1));
        start = at + 1;
      }
      return n + this.chunk(tokenizer, start === 0 ? text : text.slice(start));
    } catch {
      // as countWith: pathological input the BPE rejects is estimated
      return estimateTokens(text);
    }
  }

  private chunk(tokenizer: 'o200k' | 'cl100k', s: string): number {
    let n = this.memo.get(s);
    if (n === undefined) {
      n = countBpe(tokenizer, s);
      this.memo.set(s, n);
    }
    return n;
  }
}
