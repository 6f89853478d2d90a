// Lossless de-duplication inside one JSON value: an object or array (at least MIN_CHARS long,
// minified) or a string (at least MIN_STRING_CHARS) that is byte-identical to an earlier one in
// document order is replaced by
//   {"$same":"#/owner"}
// a JSON Pointer (RFC 6901) into the document as written (after table encoding), pointing at the
// first occurrence. GitHub-style payloads repeat the same owner/organization/user objects and the
// same URLs under other keys. With a JsonHistory of the earlier messages' JSON (json-history.ts), an
// object or array already sent in an earlier message is replaced by
//   {"$same":"message 4#/user"}
// the label of that message's block, then a pointer into it as it was sent.
// (Not "$ref": JSON Schema uses that with the same pointer syntax.) Skipped when the input already
// has "$same" keys. Linear: each subtree gets a structural hash bottom-up (never re-serialized); a
// hash match is confirmed by comparing the two subtrees.
import { type JNode, serialize, stringValue } from './json-syntax.js';

export const REF_KEY = '$same';
export const RAW_REF = JSON.stringify(REF_KEY);
/** Only subtrees at least this long (minified) are worth a reference. */
export const MIN_CHARS = 80;
/** Long strings (URLs repeated under another key) are referenced too. */
const MIN_STRING_CHARS = 60;

export interface Site {
  parent: Site | null;
  /** array index, or the raw (quoted) key of an object member */
  token: string | number;
}

/** Per-node structural hash and minified length, computed once bottom-up. */
export interface Meta {
  h: number;
  len: number;
}

/** Objects and arrays sent in earlier messages, for references across messages. */
export interface EarlierJson {
  /** `label#/pointer` of an earlier identical subtree (hash `h`), or undefined */
  find(node: JNode, h: number): string | undefined;
}

/** Replace repeated subtrees by references to their first occurrence (in `earlier` messages, else
 *  in this document). The minified text of every subtree replaced by a reference to an earlier
 *  message is pushed to `omitted` (the guard then knows where its spans went). */
export function dedupeSubtrees(root: JNode, earlier?: EarlierJson, omitted?: string[]): JNode {
  const meta = new Map<JNode, Meta>();
  measure(root, meta);
  const first = new Map<number, Array<{ node: JNode; site: Site }>>();
  return replace(root, null, '', meta, first, earlier, omitted);
}

function hashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x5bd1e995);
  return h ^ (h >>> 15);
}

export function measure(node: JNode, meta: Map<JNode, Meta>): Meta {
  let h: number;
  let len: number;
  if (node.t === 'o' || node.t === 'a') {
    h = node.t === 'o' ? 0x2f1 : 0x3a7;
    len = 2 + Math.max(0, node.v.length - 1);
    for (let i = 0; i < node.v.length; i++) {
      const c = measure(node.v[i], meta);
      len += c.len;
      if (node.t === 'o') {
        h = hashString(h, node.k[i]);
        len += node.k[i].length + 1;
      }
      h = mix(h, c.h);
    }
  } else {
    // only long strings can be referenced; other scalars just feed their parents' hashes
    h = hashString(node.t === 's' ? 0x811c9dc5 : 0x1234567, node.raw);
    len = node.raw.length;
  }
  const m = { h: h >>> 0, len };
  if (len >= MIN_STRING_CHARS) meta.set(node, m);
  return m;
}

export function sameNode(a: JNode, b: JNode): boolean {
  if (a.t !== b.t) return false;
  if (a.t === 'o' || a.t === 'a') {
    const bb = b as typeof a;
    if (a.v.length !== bb.v.length) return false;
    if (a.t === 'o') {
      const bk = (b as typeof a).k;
      for (let i = 0; i < a.k.length; i++) if (a.k[i] !== bk[i]) return false;
    }
    for (let i = 0; i < a.v.length; i++) if (!sameNode(a.v[i], bb.v[i])) return false;
    return true;
  }
  return a.raw === (b as typeof a).raw;
}

function replace(
  node: JNode,
  parent: Site | null,
  token: string | number,
  meta: Map<JNode, Meta>,
  first: Map<number, Array<{ node: JNode; site: Site }>>,
  earlier: EarlierJson | undefined,
  omitted: string[] | undefined,
): JNode {
  if (node.t === 'n' || node.t === 'l') return node;
  const site: Site = { parent, token };
  const me = meta.get(node);
  if (me !== undefined && me.len >= (node.t === 's' ? MIN_STRING_CHARS : MIN_CHARS) && parent !== null) {
    // objects and arrays only: a string stays readable where it is
    const across = earlier !== undefined && node.t !== 's' ? earlier.find(node, me.h) : undefined;
    if (across !== undefined) {
      const raw = JSON.stringify(across);
      if (RAW_REF.length + raw.length + 3 < me.len * 0.7) {
        omitted?.push(serialize(node));
        return { t: 'o', k: [RAW_REF], v: [{ t: 's', raw }] };
      }
    }
    const bucket = first.get(me.h);
    const prior = bucket?.find((e) => sameNode(e.node, node));
    if (prior) {
      const raw = JSON.stringify(pointer(prior.site));
      // {"$same":"…"} must be clearly shorter than what it replaces
      if (RAW_REF.length + raw.length + 3 < me.len * 0.7) return { t: 'o', k: [RAW_REF], v: [{ t: 's', raw }] };
    } else if (bucket) bucket.push({ node, site });
    else first.set(me.h, [{ node, site }]);
  }
  if (node.t !== 'o' && node.t !== 'a') return node;
  if (node.t === 'a') {
    return { t: 'a', v: node.v.map((v, i) => replace(v, site, i, meta, first, earlier, omitted)) };
  }
  return {
    t: 'o',
    k: node.k,
    v: node.v.map((v, i) => replace(v, site, node.k[i], meta, first, earlier, omitted)),
  };
}

function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointer(site: Site): string {
  const tokens: string[] = [];
  for (let s: Site | null = site; s !== null && s.parent !== null; s = s.parent) {
    tokens.push(typeof s.token === 'number' ? String(s.token) : escapeToken(stringValue(s.token)));
  }
  return '#/' + tokens.reverse().join('/');
}

/** Resolve every `{"$same":"#/…"}` of a parsed text (before tables are expanded), in document
 *  order, against the value itself; `{"$same":"label#/…"}` (`label#`: the whole text) against
 *  `earlier(label)` (the parsed text of that earlier block as sent) when given, else it stays. */
export function resolveRefs(root: unknown, earlier?: (label: string) => unknown): unknown {
  const target = (ref: string): unknown => {
    const at = ref.indexOf('#');
    if (at === 0) return lookup(root, ref);
    if (earlier === undefined) return undefined;
    const doc = earlier(ref.slice(0, at));
    if (doc === undefined) return undefined;
    return ref.length === at + 1 ? doc : lookup(doc, ref.slice(at));
  };
  const walk = (value: unknown, set: (v: unknown) => void): void => {
    if (value === null || typeof value !== 'object') return;
    if (isRef(value)) {
      const t = target((value as Record<string, string>)[REF_KEY]);
      if (t !== undefined) set(structuredClone(t));
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) walk(value[i], (v) => (value[i] = v));
      return;
    }
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      walk(obj[k], (v) => Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true }));
    }
  };
  if (isRef(root)) return root;
  walk(root, () => undefined);
  return root;
}

function isRef(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const ref = (value as Record<string, unknown>)[REF_KEY];
  return keys.length === 1 && keys[0] === REF_KEY && typeof ref === 'string' && ref.indexOf('#') >= 0;
}

function lookup(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, token)) return undefined;
    cur = (cur as Record<string, unknown>)[token];
  }
  return cur;
}
