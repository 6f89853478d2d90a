// Lossless de-duplication inside one JSON value: an object or array that is byte-identical to an
// earlier one (in document order) and at least MIN_CHARS long is replaced by
//   {"$same":"#/owner"}
// a JSON Pointer (RFC 6901) into the decoded value, pointing at the first occurrence. GitHub-style
// payloads repeat the same owner/organization/user objects many times. (Not "$ref": JSON Schema uses
// that with the same pointer syntax.) Skipped when the input already has "$same" keys. Linear: subtrees are identified by
// hash-consing (each node's identity is built from its children's ids), never re-serialized.
import { type JNode, stringValue } from './json-syntax.js';

export const REF_KEY = '$same';
const RAW_REF = JSON.stringify(REF_KEY);
/** Only subtrees at least this long (minified) are worth a reference. */
const MIN_CHARS = 80;
/** Long strings (URLs repeated under another key) are referenced too. */
const MIN_STRING_CHARS = 60;

interface Info {
  id: number;
  len: number;
}

interface Site {
  parent: Site | null;
  token: string;
}

/** Replace repeated subtrees by references to their first occurrence. */
export function dedupeSubtrees(root: JNode): JNode {
  const ids = new Map<string, number>();
  const info = new Map<JNode, Info>();
  identify(root, ids, info);
  const first = new Map<number, Site>();
  return replace(root, null, '', info, first);
}

function identify(node: JNode, ids: Map<string, number>, info: Map<JNode, Info>): Info {
  let key: string;
  let len: number;
  if (node.t === 'o' || node.t === 'a') {
    const parts: string[] = [node.t];
    len = 2 + Math.max(0, node.v.length - 1);
    for (let i = 0; i < node.v.length; i++) {
      const c = identify(node.v[i], ids, info);
      len += c.len;
      if (node.t === 'o') {
        parts.push(node.k[i]);
        len += node.k[i].length + 1;
      }
      parts.push(String(c.id));
    }
    key = parts.join('\u0000');
  } else {
    key = node.t + node.raw;
    len = node.raw.length;
  }
  let id = ids.get(key);
  if (id === undefined) {
    id = ids.size;
    ids.set(key, id);
  }
  const r = { id, len };
  info.set(node, r);
  return r;
}

function replace(node: JNode, parent: Site | null, token: string, info: Map<JNode, Info>, first: Map<number, Site>): JNode {
  if (node.t === 'n' || node.t === 'l') return node;
  const site: Site = { parent, token };
  const me = info.get(node) as Info;
  if (me.len >= (node.t === 's' ? MIN_STRING_CHARS : MIN_CHARS) && parent !== null) {
    const earlier = first.get(me.id);
    if (earlier) {
      const raw = JSON.stringify(pointer(earlier));
      // {"$same":"…"} must be clearly shorter than what it replaces
      if (RAW_REF.length + raw.length + 3 < me.len * 0.7) return { t: 'o', k: [RAW_REF], v: [{ t: 's', raw }] };
    } else first.set(me.id, site);
  }
  if (node.t !== 'o' && node.t !== 'a') return node;
  if (node.t === 'a') {
    return { t: 'a', v: node.v.map((v, i) => replace(v, site, String(i), info, first)) };
  }
  return {
    t: 'o',
    k: node.k,
    v: node.v.map((v, i) => replace(v, site, escapeToken(stringValue(node.k[i])), info, first)),
  };
}

function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointer(site: Site): string {
  const tokens: string[] = [];
  for (let s: Site | null = site; s !== null && s.parent !== null; s = s.parent) tokens.push(s.token);
  return '#/' + tokens.reverse().join('/');
}

/** Resolve every `{"$same":"#/…"}` of a decoded value (after tables are expanded), in document
 *  order, against the value itself. */
export function resolveRefs(root: unknown): unknown {
  const walk = (value: unknown, set: (v: unknown) => void): void => {
    if (value === null || typeof value !== 'object') return;
    if (isRef(value)) {
      const target = lookup(root, (value as Record<string, string>)[REF_KEY]);
      if (target !== undefined) set(structuredClone(target));
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
  return keys.length === 1 && keys[0] === REF_KEY && typeof ref === 'string' && ref.startsWith('#/');
}

function lookup(root: unknown, ref: string): unknown {
  let cur: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, token)) return undefined;
    cur = (cur as Record<string, unknown>)[token];
  }
  return cur;
}
