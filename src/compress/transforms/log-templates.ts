// Line-level analysis for the logs transform: which lines must be kept verbatim (errors, warnings,
// failures, stack traces), and each other line's template — the line with its variable parts
// (timestamps, numbers, hex, ids, IPs, paths with digits) masked — so that lines of the same kind can
// be folded. All regexes are precompiled and linear.

/** Whole timestamps, matched as one variable slot so a folded line still shows them whole. */
const TIMESTAMP =
  /\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?|\d{4}\/\d{2}\/\d{2}[ T]\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?|(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? )?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2},? (?:\d{4} )?\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?: \d{4})?|\d{1,2}\/(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/\d{4}:\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?|\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+|\d{6} \d{6}|\d{1,2}\.\d{1,2} \d{2}:\d{2}:\d{2}/y;
/** Characters that end a word: a word holding a digit is one variable slot. */
const DELIMS = ' \t\r\n[](){}<>,;"\'=|';
const IS_DELIM = new Uint8Array(128);
for (let k = 0; k < DELIMS.length; k++) IS_DELIM[DELIMS.charCodeAt(k)] = 1;

function isDelim(c: number): boolean {
  return c < 128 && IS_DELIM[c] === 1;
}

/** Error-tier level markers and words: such a line is always kept verbatim. */
const ERROR_LEVEL = /\b(?:ERROR|ERR|FATAL|CRIT|CRITICAL|ALERT|EMERG|EMERGENCY|SEVERE|PANIC|FAILURE|FAILED|FAIL)\b/;
const ERROR_WORD =
  /\b(?:errors?|errno|fatal|exceptions?|fail|failed|failure|failing|fails|panic(?:ked)?|traceback|denied|refused|abort(?:ed|ing)?|abnormal(?:ly)?|crash(?:ed|es)?|segfault|segmentation fault|timed out|unreachable|corrupt(?:ed|ion)?|out of memory|oom|killed|break-in|unexpected|critical|emergency|stack ?trace|core dumped|exit(?:ed)? (?:code|status) [1-9])\b/i;
/** Warning-tier markers and words. */
const WARN_LEVEL = /\b(?:WARN|WARNING)\b/;
const WARN_WORD =
  /\b(?:warn(?:ing)?s?|rejected|unauthori[sz]ed|forbidden|cannot|can't|could not|couldn't|unable to|not permitted|violation|invalid|illegal|deadlock|overflow|leak|non-zero|nonzero|deprecated|retry(?:ing)?)\b/i;
/** Single-letter levels of logcat (`03-17 16:16:04.476  1702  3694 E Tag: …`) and `E/Tag(` forms. */
const LETTER_ERROR = /^(?:\S+ +\S+ +\d+ +\d+ +[EFA] |[EFA]\/[\w.$-]+(?:\(\s*\d+\))?:)/;
const LETTER_WARN = /^(?:\S+ +\S+ +\d+ +\d+ +W |W\/[\w.$-]+(?:\(\s*\d+\))?:)/;
/** HTTP 5xx / 4xx in access logs: `"GET /x HTTP/1.1" 503 …` */
const HTTP_5XX = /" 5\d\d\s/;
const HTTP_4XX = /" 4\d\d\s/;
const STACK_LINE =
  /^(?:\s+at [\w$.<>\[\]/(]|\s+at \S|Traceback \(most recent call last\)|\s+File ".*", line \d+|\s*Caused by:|\s*\.\.\. \d+ (?:more|common frames omitted)|\s*Suppressed:|[\w.$]+(?:Exception|Error|Throwable)(?::|$)|\s+\^+\s*$|goroutine \d+ \[|panic: )/;

/** 2: error, failure or stack-trace line (always kept verbatim); 1: warning; 0: ordinary. */
export type Severity = 0 | 1 | 2;

export function lineSeverity(line: string): Severity {
  if (ERROR_LEVEL.test(line) || ERROR_WORD.test(line) || LETTER_ERROR.test(line) || HTTP_5XX.test(line) || STACK_LINE.test(line)) {
    return 2;
  }
  if (WARN_LEVEL.test(line) || WARN_WORD.test(line) || LETTER_WARN.test(line) || HTTP_4XX.test(line)) return 1;
  return 0;
}

/** True for a stack-trace line (`at …`, `Caused by:`, `File "…", line N`, `Traceback …`). */
export function isStackLine(line: string): boolean {
  return STACK_LINE.test(line);
}

export interface LineShape {
  /** the constant text with each variable slot replaced by \u0001 */
  template: string;
  /** the variable slots' text, in order */
  values: string[];
}

/** Split a line into its template and the values of its variable slots: whole timestamps, and
 *  every word (run of characters between delimiters) that holds a digit. Linear in the line. */
export function lineShape(line: string): LineShape {
  const values: string[] = [];
  let template = '';
  let constStart = 0;
  let i = 0;
  const n = line.length;
  while (i < n) {
    // at a word start: skip delimiters
    while (i < n && isDelim(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const c = line.charCodeAt(i);
    let end = -1;
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90)) {
      TIMESTAMP.lastIndex = i;
      if (TIMESTAMP.test(line)) end = TIMESTAMP.lastIndex;
    }
    // the word: up to the next delimiter
    let w = i;
    let digit = false;
    while (w < n) {
      const d = line.charCodeAt(w);
      if (isDelim(d)) break;
      if (d >= 48 && d <= 57) digit = true;
      w++;
    }
    if (end < 0 && digit) end = w;
    if (end > i) {
      template += line.slice(constStart, i) + '\u0001';
      values.push(line.slice(i, end));
      constStart = end;
      i = end;
    } else i = w;
  }
  template += line.slice(constStart);
  return { template, values };
}

const LOG_START =
  /^\s*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}|\[?\d{4}\/\d{2}\/\d{2}|\[?\d{1,2}:\d{2}:\d{2}|\d{6} \d{6}|\[?(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2}|\d{2}-\d{2} \d{2}:\d{2}:\d{2}|\[\d{1,2}\.\d{1,2} \d{2}:\d{2}:\d{2}\]|\d{10}(?:\.\d+)?\s|\S+ - - \[|[EWIDVF]\/[\w.$-]+|\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|SEVERE)\]?[\s:|-]|\{"(?:time|ts|timestamp|level|@timestamp|msg)")/;

/** True when most non-empty lines start like a log record (timestamp, level, access-log prefix)
 *  or are stack-trace lines; needs at least 3 such lines. */
export function looksLikeLog(text: string): boolean {
  try {
    let lines = 0;
    let logLike = 0;
    let start = 0;
    const n = text.length;
    while (start <= n && lines < 400) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = n;
      const line = text.slice(start, Math.min(end, start + 200));
      if (line.trim() !== '') {
        lines++;
        if (LOG_START.test(line) || STACK_LINE.test(line)) logLike++;
      }
      start = end + 1;
    }
    return logLike >= 3 && logLike >= lines * 0.6;
  } catch {
    return false;
  }
}
