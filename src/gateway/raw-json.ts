// Editing a request body as text. The gateway forwards "unknown fields untouched" (DESIGN §3 step
// 6): a body rebuilt with JSON.stringify(JSON.parse(raw)) is not untouched — 9007199254740993
// arrives as 9007199254740992, 1.0 as 1, 1e2 as 100, "\u00e9" as "é". So when the gateway changes
// a body (compressed messages, its own `opencompress` field removed, `stream_options` added) it
// scans the client's text for the spans of the members and elements it edits and splices new text
// into those spans only; every other byte is the client's. The scanner only ever sees text that
// JSON.parse accepted; anything it does not expect makes it return null and the body builder
// (`editBody`, used by both chat routes) falls back to re-serialising. Strings are skipped with indexOf (native search) rather than char by char,
// so scanning the body costs less than stringifying the unchanged parts it spares (measured in
// docs/gateway.md).

/** `start`..`end` (exclusive) of a value in the text. */
export interface Span {
  start: number;
  end: number;
}

/** An object member: its key, where its key's opening quote is, where its value starts and ends. */
export interface MemberSpan extends Span {
  key: string;
  valueStart: number;
  /** where the separator before this member starts (the previous member's end, or after `{`) */
  sepStart: number;
  /** the element spans, for the member scanObject was asked to collect them for (an array value) */
  elements?: ArraySpans;
}

export interface ObjectSpans extends Span {
  members: MemberSpan[];
}

export interface ArraySpans extends Span {
  elements: Span[];
}

const QUOTE = 34;
const BACKSLASH = 92;

function skipWs(t: string, i: number): number {
  for (;;) {
    const c = t.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** `i` at an opening quote → index after the closing quote, or -1. */
function stringEnd(t: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = t.indexOf('"', from);
    if (q < 0) return -1;
    let k = q - 1;
    while (t.charCodeAt(k) === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1; // an even number of backslashes: not escaped
    from = q + 1;
  }
}

/** `i` at the first character of a value → index after it, or -1. */
function valueEnd(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === QUOTE) return stringEnd(t, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    let j = i;
    while (j < t.length) {
      const d = t.charCodeAt(j);
      if (d === QUOTE) {
        j = stringEnd(t, j);
        if (j < 0) return -1;
        continue;
      }
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        if (--depth === 0) return j + 1;
      }
      j++;
    }
    return -1;
  }
  // number, true, false, null
  let j = i;
  while (j < t.length) {
    const d = t.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
    j++;
  }
  return j > i ? j : -1;
}

/**
 * The members of the object whose `{` is the first non-blank character at or after `at`; null if
 * it is not one. For members named `collect` whose value is an array, the element spans are
 * collected in the same pass (`member.elements`).
 */
export function scanObject(t: string, at = 0, collect?: string): ObjectSpans | null {
  const start = skipWs(t, at);
  if (t.charCodeAt(start) !== 123) return null;
  const members: MemberSpan[] = [];
  let i = skipWs(t, start + 1);
  if (t.charCodeAt(i) === 125) return { start, end: i + 1, members };
  let sepStart = start + 1;
  for (;;) {
    if (t.charCodeAt(i) !== QUOTE) return null;
    const keyEnd = stringEnd(t, i);
    if (keyEnd < 0) return null;
    const rawKey = t.slice(i + 1, keyEnd - 1);
    const key = rawKey.includes('\\') ? (JSON.parse(t.slice(i, keyEnd)) as string) : rawKey;
    let j = skipWs(t, keyEnd);
    if (t.charCodeAt(j) !== 58) return null; // ':'
    const valueStart = skipWs(t, j + 1);
    let end: number;
    let elements: ArraySpans | undefined;
    if (key === collect && t.charCodeAt(valueStart) === 91) {
      const arr = scanArray(t, valueStart);
      if (!arr) return null;
      elements = arr;
      end = arr.end;
    } else end = valueEnd(t, valueStart);
    if (end < 0) return null;
    members.push(elements ? { key, start: i, valueStart, end, sepStart, elements } : { key, start: i, valueStart, end, sepStart });
    j = skipWs(t, end);
    const c = t.charCodeAt(j);
    if (c === 125) return { start, end: j + 1, members };
    if (c !== 44) return null; // ','
    sepStart = end;
    i = skipWs(t, j + 1);
  }
}

/** The element spans of the array whose `[` is at `start`; null if it is not one. */
export function scanArray(t: string, start: number): ArraySpans | null {
  if (t.charCodeAt(start) !== 91) return null;
  const elements: Span[] = [];
  let i = skipWs(t, start + 1);
  if (t.charCodeAt(i) === 93) return { start, end: i + 1, elements };
  for (;;) {
    const end = valueEnd(t, i);
    if (end < 0) return null;
    elements.push({ start: i, end });
    const j = skipWs(t, end);
    const c = t.charCodeAt(j);
    if (c === 93) return { start, end: j + 1, elements };
    if (c !== 44) return null;
    i = skipWs(t, j + 1);
  }
}

export interface ObjectEdits {
  /** members whose value becomes this JSON text (the last of duplicate keys is kept — the one JSON.parse used); appended when absent */
  set?: ReadonlyMap<string, string>;
  /** members removed (every occurrence) */
  remove?: ReadonlySet<string>;
  /** member text put first, e.g. `"stream_options":{"include_usage":true}` */
  prepend?: string;
}

/** The text of `obj` (spans from scanObject on `t`) with the edits applied; separators and everything else as in `t`. */
export function editObject(t: string, obj: ObjectSpans, edits: ObjectEdits): string {
  const ms = obj.members;
  const { set, remove, prepend } = edits;
  const last = new Map<string, number>();
  if (set) for (let i = 0; i < ms.length; i++) if (set.has(ms[i].key)) last.set(ms[i].key, i);
  const lead = ms.length ? t.slice(ms[0].sepStart, ms[0].start) : '';
  let out = '{';
  let first = true;
  if (prepend) {
    out += prepend;
    first = false;
  }
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i];
    if (remove?.has(m.key)) continue;
    const value = set?.get(m.key);
    let text: string;
    if (value !== undefined) {
      if (last.get(m.key) !== i) continue;
      text = t.slice(m.start, m.valueStart) + value;
    } else text = t.slice(m.start, m.end);
    const sep = first ? lead : i > 0 ? t.slice(m.sepStart, m.start) : ',' + lead;
    out += sep + text;
    first = false;
  }
  if (set) {
    for (const [key, value] of set) {
      if (last.has(key)) continue;
      out += (first ? '' : ',') + JSON.stringify(key) + ':' + value;
      first = false;
    }
  }
  return out + (ms.length ? t.slice(ms[ms.length - 1].end, obj.end) : t.slice(obj.start + 1, obj.end));
}

/** The text of `arr` (spans from scanArray on `t`) with element i replaced by `replace(i)` when that is not null. */
export function editArray(t: string, arr: ArraySpans, replace: (i: number) => string | null): string {
  let out = '[';
  let prev = arr.start + 1;
  for (let i = 0; i < arr.elements.length; i++) {
    const el = arr.elements[i];
    out += t.slice(prev, el.start) + (replace(i) ?? t.slice(el.start, el.end));
    prev = el.end;
  }
  return out + t.slice(prev, arr.end);
}

/**
 * JSON text for `next`, an edited copy of the array `original` that was parsed from the text with
 * element spans `arr`: elements that are still the same values (===, as the engine keeps
 * untouched messages) keep the client's bytes, the others are serialised.
 */
export function editedArrayText(t: string, arr: ArraySpans | undefined, original: readonly unknown[], next: readonly unknown[]): string {
  if (!arr || arr.elements.length !== original.length || original.length !== next.length) return JSON.stringify(next);
  return editArray(t, arr, (i) => (next[i] === original[i] ? null : JSON.stringify(next[i])));
}

/** The whole text `t` with its top-level object (spans from scanObject) edited; blanks around it kept. */
export function editTopLevel(t: string, obj: ObjectSpans, edits: ObjectEdits): string {
  return t.slice(0, obj.start) + editObject(t, obj, edits) + t.slice(obj.end);
}

/** What the gateway changes in a request body; every other byte stays the client's. */
export interface BodyEdits {
  /** the new `messages` (only the elements that changed are serialised); null or absent: unchanged */
  messages?: readonly unknown[] | null;
  /** members cut out of the text (every occurrence); the parsed body already lacks them */
  remove?: readonly string[];
  /** members put first (ones the body does not have): provider defaults, `stream_options` */
  prepend?: Record<string, unknown>;
  /** an object member the body has, in which these members are set (`stream_options.include_usage`) */
  merge?: { key: string; members: Record<string, unknown> };
}

/**
 * The body to forward, built from the client's text `raw` and its parse `body` (the gateway's own
 * fields already taken out): the edits spliced into the spans they touch, every other byte the
 * client's (big integers, `1.0`, escapes, spacing). A body with nothing to edit is the client's
 * text, with any prepended members spliced in after the `{`. When no text was kept, or the scanner
 * cannot follow it, the edited `body` is re-serialised.
 */
export function editBody(raw: string | null, body: Record<string, unknown> & { messages: readonly unknown[] }, edits: BodyEdits): string {
  const { messages, merge } = edits;
  const remove = edits.remove?.length ? new Set(edits.remove) : undefined;
  const added = edits.prepend && Object.keys(edits.prepend).length ? edits.prepend : undefined;
  const prepend = added ? JSON.stringify(added).slice(1, -1) : '';
  if (raw !== null) {
    if (!messages && !remove && !merge) {
      if (!prepend) return raw;
      // The text parsed as an object with at least `model` and `messages`, so a member follows '{'.
      const open = raw.indexOf('{');
      if (open >= 0) return `${raw.slice(0, open)}{${prepend},${raw.slice(open + 1)}`;
    }
    const obj = scanObject(raw, 0, messages ? 'messages' : undefined);
    if (obj) {
      const set = new Map<string, string>();
      const list = messages ? obj.members.findLast((m) => m.key === 'messages') : undefined;
      if (list) set.set('messages', editedArrayText(raw, list.elements, body.messages, messages!));
      const target = merge ? obj.members.findLast((m) => m.key === merge.key) : undefined;
      if (target) {
        const inner = scanObject(raw, target.valueStart);
        const values = new Map(Object.entries(merge!.members).map(([k, v]) => [k, JSON.stringify(v)]));
        set.set(merge!.key, inner ? editObject(raw, inner, { set: values }) : JSON.stringify(merge!.members));
      }
      if ((!messages || list) && (!merge || target)) return editTopLevel(raw, obj, { set, remove, prepend });
    }
  }
  // No text kept, or text the scanner does not follow (scanObject returned null): the edited parse.
  const out: Record<string, unknown> = { ...added, ...body };
  if (messages) out.messages = messages;
  if (merge) {
    const current = body[merge.key];
    out[merge.key] = { ...(current && typeof current === 'object' && !Array.isArray(current) ? current : {}), ...merge.members };
  }
  return JSON.stringify(out);
}
