// Markdown and HTML decoration. Keeps: all text, headings, list markers, link targets (an HTML
// link becomes "text (url)"), inline code untouched, table cells. Drops: HTML tags, comments,
// <script>/<style> bodies, the common entities (decoded), bold/italic markers (** __), horizontal
// rules, table separator rows and the padding around table cells ("| a   | b |" → "a|b"). Why:
// these cost tokens and a model reads the plain text just as well; the removed tags and
// decorations are reported as `omitted` so the guard does not count attribute values as lost.
import type { Block, Transform } from '../types.js';

// bounded repetitions everywhere: unclosed tags in a huge input must not make this quadratic
const SCRIPT_STYLE = /<(script|style|noscript)\b[^>]{0,500}>[\s\S]{0,20000}?<\/\1\s*>/gi;
const COMMENT = /<!--[\s\S]{0,20000}?-->/g;
const LINK = /<a\b[^>]{0,500}?\bhref\s*=\s*(["'])([^"']{0,2000})\1[^>]{0,500}>([\s\S]{0,2000}?)<\/a\s*>/gi;
const BLOCK_TAG = /<\/?(?:p|div|br|li|ul|ol|tr|table|thead|tbody|h[1-6]|section|article|header|footer|nav|main|blockquote|pre|hr)\b[^>]{0,500}>/gi;
const ANY_TAG = /<\/?[A-Za-z][\w:-]{0,40}(?:\s[^<>]{0,1000})?\/?>/g;
const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', trade: '™',
  mdash: '—', ndash: '–', hellip: '…', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', euro: '€', pound: '£',
};
const ENTITY = /&(?:([a-z]{2,6})|#(\d{1,6})|#x([0-9a-fA-F]{1,5}));/g;
const DOCTYPE = /<!DOCTYPE[^>]{0,200}>/gi;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const RULE = /^\s{0,3}(?:[-*_]\s*){3,}$/;
// only markers at word boundaries: "marshmallow-code__marshmallow__3.13" is an identifier
const EMPHASIS = /(?<![\w*])(\*\*|__)(?=[^\s*_])([^*_\n]{1,300}?)(?<=[^\s*_])\1(?![\w*])/g;

export const markdown: Transform = (block: Block): Block => {
  const omitted: string[] = [];
  let text = block.text;
  if (block.kind === 'html' || ANY_TAG.test(text)) {
    ANY_TAG.lastIndex = 0;
    text = stripHtml(text, omitted);
  }
  const lines = text.split('\n');
  const out: string[] = [];
  let inFence = false;
  for (const line of lines) {
    if (/^\s{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) {
      out.push(line);
      continue;
    }
    if (TABLE_SEPARATOR.test(line) && line.includes('-') && (line.includes('|') || out.length > 0)) {
      if (line.includes('|')) {
        omitted.push(line);
        continue;
      }
    }
    if (RULE.test(line)) {
      omitted.push(line);
      continue;
    }
    if (TABLE_ROW.test(line)) {
      out.push(compactRow(line));
      continue;
    }
    out.push(outsideInlineCode(line, (s) => s.replace(EMPHASIS, (m: string, mark: string, inner: string) => {
      // "__init__" is a Python name, not bold: "__" only goes around several words
      if (mark === '__' && !inner.includes(' ')) return m;
      omitted.push(mark);
      return inner;
    })));
  }
  const result = out.join('\n');
  if (result.length >= block.text.length) return block;
  return omitted.length > 0 ? { ...block, text: result, omitted: [...(block.omitted ?? []), ...omitted] } : { ...block, text: result };
};

const INLINE_CODE = /`[^`\n]{1,200}`/g;
const PLACEHOLDER = /\ue000(\d+)\ue001/g;

/** Strip HTML outside inline code: "use the `<br>` tag" keeps its code span. */
function stripHtml(text: string, omitted: string[]): string {
  if (text.indexOf('`') < 0 || text.indexOf('\ue000') >= 0) return stripHtmlRaw(text, omitted);
  const codes: string[] = [];
  const masked = text.replace(INLINE_CODE, (m) => `\ue000${codes.push(m) - 1}\ue001`);
  return stripHtmlRaw(masked, omitted).replace(PLACEHOLDER, (_m, i: string) => codes[Number(i)] ?? _m);
}

function stripHtmlRaw(text: string, omitted: string[]): string {
  const keep = (m: string): string => {
    omitted.push(m);
    return '';
  };
  let t = text.replace(SCRIPT_STYLE, keep).replace(COMMENT, keep);
  t = t.replace(LINK, (m: string, _q: string, href: string, inner: string) => {
    omitted.push(m);
    const label = inner.replace(ANY_TAG, '').trim();
    return label && label !== href ? `${label} (${href})` : href;
  });
  t = t.replace(BLOCK_TAG, (m: string) => {
    omitted.push(m);
    return '\n';
  });
  t = t.replace(ANY_TAG, keep).replace(DOCTYPE, keep);
  t = t.replace(ENTITY, (m: string, name?: string, dec?: string, hex?: string) => {
    if (name) return ENTITIES[name] ?? m;
    const code = dec ? Number(dec) : parseInt(hex ?? '', 16);
    // only printable characters; a numeric entity for a control or surrogate code stays as it is
    return code >= 32 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : m;
  });
  // block tags became line breaks: one per boundary is enough
  return t.replace(/[ \t]+\n/g, '\n').replace(/\n\s*\n/g, '\n').trim();
}

function compactRow(line: string): string {
  const cells = line.trim().replace(/^\||\|$/g, '').split('|');
  return cells.map((c) => c.trim()).join('|');
}

/** Apply `f` to the parts of `line` outside `inline code`. */
function outsideInlineCode(line: string, f: (s: string) => string): string {
  if (line.indexOf('`') < 0) return f(line);
  // the same pairing as the guard's inline-code span
  let out = '';
  let at = 0;
  INLINE_CODE.lastIndex = 0;
  for (let m = INLINE_CODE.exec(line); m; m = INLINE_CODE.exec(line)) {
    out += f(line.slice(at, m.index)) + m[0];
    at = m.index + m[0].length;
  }
  return out + f(line.slice(at));
}
