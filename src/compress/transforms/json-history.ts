// Memory of the JSON already sent in earlier messages of one request, so the JSON transform can
// replace an object or array that an earlier message already holds (the same `user` object in every
// issue an agent fetched, the same `owner` in every repository) by a reference to it:
//   {"$same":"message 4#/user"}
// The pipeline creates one JsonHistory per request, passes it to the transform as
// `ctx.jsonHistory`, and after each message calls `rememberMessage(sentMessage, index)` with the
// message as it was sent (compressed, or the original when it was not) — so a reference always points into bytes the
// model has seen, and message i depends only on messages 0..i (causal). Pointers are JSON Pointers
// into the earlier text as written (tables not expanded); `decodeJsonTable(text, earlier)` resolves
// them. Subtrees of the earlier text that hold a `$same` reference themselves are not remembered.
// Linear: one parse and one hash pass per remembered text; a lookup compares only on a hash match.
import { MIN_CHARS, type EarlierJson, type Meta, RAW_REF, type Site, measure, pointer, sameNode } from './json-refs.js';
import { type JNode, parseJson } from './json-syntax.js';
import type { ChatMessage } from '../types.js';

/** Texts nested deeper than this are not remembered (the walk recurses). */
const MAX_DEPTH = 200;
/** Texts longer than this are not remembered (bounded memory per request). */
const MAX_TEXT_CHARS = 4 * 1024 * 1024;

interface Entry {
  node: JNode;
  site: Site;
  label: string;
}

export class JsonHistory implements EarlierJson {
  private readonly byHash = new Map<number, Entry[]>();

  /** Remember the objects and arrays (≥ 80 chars minified, the whole value included) of a JSON text sent as block `label`
   *  (e.g. "message 4"; it must not contain '#'). Non-JSON text is ignored. */
  remember(text: string, label: string): void {
    if (label.indexOf('#') >= 0 || text.length > MAX_TEXT_CHARS || text.length < MIN_CHARS) return;
    const c = text.charCodeAt(text.search(/\S/));
    if (c !== 123 && c !== 91) return;
    const parsed = parseJson(text);
    if (parsed === null || parsed.depth > MAX_DEPTH) return;
    const meta = new Map<JNode, Meta>();
    measure(parsed.node, meta);
    this.index(parsed.node, null, '', meta, label);
  }

  /** Remember a message as it was sent (0-based `index` in the request): string content whose whole
   *  text is JSON as "message N" (N = index + 1), a JSON text part of array content as
   *  "message N part K" (K = 1-based position among the content parts). */
  rememberMessage(m: ChatMessage, index: number): void {
    const c = m?.content;
    if (typeof c === 'string') this.remember(c, `message ${index + 1}`);
    else if (Array.isArray(c)) {
      c.forEach((p, k) => {
        const text = (p as { type?: unknown; text?: unknown }).text;
        if ((p as { type?: unknown }).type === 'text' && typeof text === 'string') this.remember(text, `message ${index + 1} part ${k + 1}`);
      });
    }
  }

  find(node: JNode, h: number): string | undefined {
    const bucket = this.byHash.get(h);
    if (bucket === undefined) return undefined;
    const e = bucket.find((x) => sameNode(x.node, node));
    if (e === undefined) return undefined;
    // a whole earlier text is `label#` (the empty JSON Pointer)
    return e.label + (e.site.parent === null ? '#' : pointer(e.site));
  }

  /** Index a subtree; returns whether it holds a `$same` reference (then it and its parents are
   *  not remembered: their copy would point elsewhere). */
  private index(node: JNode, parent: Site | null, token: string | number, meta: Map<JNode, Meta>, label: string): boolean {
    if (node.t !== 'o' && node.t !== 'a') return false;
    const site: Site = { parent, token };
    let hasRef = node.t === 'o' && node.k.length === 1 && node.k[0] === RAW_REF;
    for (let i = 0; i < node.v.length; i++) {
      if (this.index(node.v[i], site, node.t === 'o' ? node.k[i] : i, meta, label)) hasRef = true;
    }
    if (hasRef) return true;
    const m = meta.get(node);
    if (m === undefined || m.len < MIN_CHARS) return false;
    const bucket = this.byHash.get(m.h);
    if (bucket === undefined) this.byHash.set(m.h, [{ node, site, label }]);
    else if (!bucket.some((x) => sameNode(x.node, node))) bucket.push({ node, site, label });
    return false;
  }
}
