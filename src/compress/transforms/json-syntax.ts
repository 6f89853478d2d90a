// A small JSON reader/writer that keeps every scalar's exact source text (1.50 stays 1.50, big
// integers keep all digits, string escapes are untouched), so the JSON transform can re-encode a
// value without changing a single byte of its content. It accepts exactly what JSON.parse accepts,
// is iterative (no recursion while parsing) and linear-time.

/** A parsed JSON value. Scalars keep their raw source text (strings with their quotes). */
export type JNode = JObject | JArray | JScalar;
export interface JObject {
  t: 'o';
  /** raw key tokens, quotes included */
  k: string[];
  v: JNode[];
}
export interface JArray {
  t: 'a';
  v: JNode[];
}
export interface JScalar {
  /** s: string, n: number, l: true/false/null */
  t: 's' | 'n' | 'l';
  raw: string;
}

export interface ParseResult {
  node: JNode;
  /** deepest nesting of arrays/objects (0 for a scalar) */
  depth: number;
}

const WS_SP = 32;
const WS_TAB = 9;
const WS_LF = 10;
const WS_CR = 13;

function isWs(c: number): boolean {
  return c === WS_SP || c === WS_LF || c === WS_CR || c === WS_TAB;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** End index (exclusive) of the JSON string starting at `i` (a quote), or -1 if invalid. */
export function scanString(s: string, i: number): number {
  const n = s.length;
  let j = i + 1;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c < 32) return -1;
    if (c === 92) {
      const e = s.charCodeAt(j + 1);
      if (e === 117) {
        if (!(isHex(s.charCodeAt(j + 2)) && isHex(s.charCodeAt(j + 3)) && isHex(s.charCodeAt(j + 4)) && isHex(s.charCodeAt(j + 5)))) {
          return -1;
        }
        j += 6;
        continue;
      }
      if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
        j += 2;
        continue;
      }
      return -1;
    }
    j++;
  }
  return -1;
}

/** End index (exclusive) of the JSON number starting at `i`, or -1. */
function scanNumber(s: string, i: number): number {
  let j = i;
  if (s.charCodeAt(j) === 45) j++;
  let c = s.charCodeAt(j);
  if (c === 48) j++;
  else if (c >= 49 && c <= 57) {
    j++;
    while ((c = s.charCodeAt(j)) >= 48 && c <= 57) j++;
  } else return -1;
  if (s.charCodeAt(j) === 46) {
    j++;
    c = s.charCodeAt(j);
    if (!(c >= 48 && c <= 57)) return -1;
    while ((c = s.charCodeAt(j)) >= 48 && c <= 57) j++;
  }
  c = s.charCodeAt(j);
  if (c === 101 || c === 69) {
    j++;
    c = s.charCodeAt(j);
    if (c === 43 || c === 45) j++;
    c = s.charCodeAt(j);
    if (!(c >= 48 && c <= 57)) return -1;
    while ((c = s.charCodeAt(j)) >= 48 && c <= 57) j++;
  }
  return j;
}

interface Frame {
  node: JObject | JArray;
  /** pending key for objects */
  key: string | null;
}

/** Parse `s` as one JSON value (surrounding white space allowed). Returns null when it is not valid
 *  JSON. Never throws. */
export function parseJson(s: string): ParseResult | null {
  const n = s.length;
  let i = 0;
  const stack: Frame[] = [];
  let depth = 0;
  let root: JNode | null = null;
  // state: expecting a value (after '[', ',', ':' or at start)
  const skip = (): void => {
    while (i < n && isWs(s.charCodeAt(i))) i++;
  };
  const attach = (v: JNode): boolean => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (root !== null) return false;
      root = v;
      return true;
    }
    if (top.node.t === 'a') top.node.v.push(v);
    else {
      top.node.k.push(top.key as string);
      top.node.v.push(v);
      top.key = null;
    }
    return true;
  };
  skip();
  for (;;) {
    // parse a value
    if (i >= n) return null;
    const c = s.charCodeAt(i);
    let opened = false;
    if (c === 123 || c === 91) {
      const node: JObject | JArray = c === 123 ? { t: 'o', k: [], v: [] } : { t: 'a', v: [] };
      if (!attach(node)) return null;
      stack.push({ node, key: null });
      if (stack.length > depth) depth = stack.length;
      i++;
      skip();
      const close = c === 123 ? 125 : 93;
      if (s.charCodeAt(i) === close) {
        i++;
        stack.pop();
      } else {
        opened = true;
      }
    } else if (c === 34) {
      const e = scanString(s, i);
      if (e < 0) return null;
      if (!attach({ t: 's', raw: s.slice(i, e) })) return null;
      i = e;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const e = scanNumber(s, i);
      if (e < 0) return null;
      if (!attach({ t: 'n', raw: s.slice(i, e) })) return null;
      i = e;
    } else if (s.startsWith('true', i)) {
      if (!attach({ t: 'l', raw: 'true' })) return null;
      i += 4;
    } else if (s.startsWith('false', i)) {
      if (!attach({ t: 'l', raw: 'false' })) return null;
      i += 5;
    } else if (s.startsWith('null', i)) {
      if (!attach({ t: 'l', raw: 'null' })) return null;
      i += 4;
    } else return null;

    // after a value (or after an opening bracket): find what comes next
    if (opened) {
      const top = stack[stack.length - 1];
      if (top.node.t === 'o') {
        if (!readKey()) return null;
      }
      continue;
    }
    for (;;) {
      skip();
      const top = stack[stack.length - 1];
      if (!top) {
        return i === n ? { node: root as unknown as JNode, depth } : null;
      }
      const d = s.charCodeAt(i);
      if (d === 44) {
        i++;
        skip();
        if (top.node.t === 'o' && !readKey()) return null;
        break;
      }
      if ((d === 93 && top.node.t === 'a') || (d === 125 && top.node.t === 'o')) {
        i++;
        stack.pop();
        continue;
      }
      return null;
    }
  }

  function readKey(): boolean {
    if (s.charCodeAt(i) !== 34) return false;
    const e = scanString(s, i);
    if (e < 0) return false;
    stack[stack.length - 1].key = s.slice(i, e);
    i = e;
    skip();
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    skip();
    return true;
  }
}

/** Remove all white space outside strings. `s` must be valid JSON; linear, no recursion. */
export function minifyText(s: string): string {
  const parts: string[] = [];
  let start = -1;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      if (start < 0) start = i;
      const e = scanString(s, i);
      if (e < 0) return s;
      i = e - 1;
    } else if (isWs(c)) {
      if (start >= 0) {
        parts.push(s.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) parts.push(s.slice(start));
  return parts.join('');
}

/** Serialize a node minified, with its raw scalar text. */
export function serialize(node: JNode): string {
  if (node.t !== 'a' && node.t !== 'o') return node.raw;
  const out: string[] = [];
  write(node, out);
  return out.join('');
}

function write(node: JNode, out: string[]): void {
  if (node.t === 'a') {
    out.push('[');
    for (let i = 0; i < node.v.length; i++) {
      if (i > 0) out.push(',');
      write(node.v[i], out);
    }
    out.push(']');
  } else if (node.t === 'o') {
    out.push('{');
    for (let i = 0; i < node.v.length; i++) {
      out.push(i > 0 ? ',' : '', node.k[i], ':');
      write(node.v[i], out);
    }
    out.push('}');
  } else out.push(node.raw);
}

/** Length of serialize(node), computed without building the string. */
export function serializedLength(node: JNode): number {
  if (node.t === 'a') {
    let len = 2 + Math.max(0, node.v.length - 1);
    for (const v of node.v) len += serializedLength(v);
    return len;
  }
  if (node.t === 'o') {
    let len = 2 + Math.max(0, node.v.length - 1);
    for (let i = 0; i < node.v.length; i++) len += node.k[i].length + 1 + serializedLength(node.v[i]);
    return len;
  }
  return node.raw.length;
}

/** The decoded text of a raw string token (falls back to the raw text if it cannot decode). */
export function stringValue(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw.slice(1, -1);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

/** Make a string node from a JS string. */
export function stringNode(value: string): JScalar {
  return { t: 's', raw: JSON.stringify(value) };
}

/** Make a number node from an integer. */
export function numberNode(value: number): JScalar {
  return { t: 'n', raw: String(value) };
}
