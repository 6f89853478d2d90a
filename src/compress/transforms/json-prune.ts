// Lossy field pruning for the JSON transform (balanced/aggressive levels only):
// - balanced and aggressive drop object fields whose value is a hypermedia URL *template*
//   (RFC 6570, e.g. "keys_url":"https://api.example.com/repos/x/keys{/key_id}") — link patterns an
//   API repeats in every object, not facts about it;
// - aggressive also drops fields whose value is empty (null, "", [] or {}), and *derived* link fields:
//   a URL that is another URL field of the same object plus a short digit-free path
//   ("forks_url" = "url" + "/forks"); the base URL stays, URLs with ids in their path stay.
// Keys of kept fields, ids, numbers, plain URLs and every other value are untouched. Each dropped
// `"key":value` pair is reported so the guard knows it was left out on purpose.
import { type JNode, serialize } from './json-syntax.js';

const URL_TEMPLATE = /^"https?:\/\/[^"\s]*\{[/?&+#;.]?[A-Za-z_][\w,*:.]*\}[^"\s]*"$/;

export interface PruneOptions {
  templates: boolean;
  empties: boolean;
  derived: boolean;
}

/** Objects with more URL fields than this are not checked for derived links (quadratic check). */
const MAX_URL_FIELDS = 64;
const MAX_DERIVED_SUFFIX = 40;

export interface PruneResult {
  node: JNode;
  omitted: string[];
}

export function pruneFields(root: JNode, opts: PruneOptions): PruneResult {
  const omitted: string[] = [];
  const node = visit(root, opts, omitted);
  return { node, omitted };
}

function droppable(v: JNode, opts: PruneOptions): boolean {
  if (opts.templates && v.t === 's' && v.raw.length > 12 && v.raw.indexOf('{') > 0 && URL_TEMPLATE.test(v.raw)) return true;
  if (opts.empties) {
    if (v.t === 'l' && v.raw === 'null') return true;
    if (v.t === 's' && v.raw === '""') return true;
    if ((v.t === 'a' || v.t === 'o') && v.v.length === 0) return true;
  }
  return false;
}

function visit(node: JNode, opts: PruneOptions, omitted: string[]): JNode {
  if (node.t === 'a') return { t: 'a', v: node.v.map((v) => visit(v, opts, omitted)) };
  if (node.t !== 'o') return node;
  const drop = node.v.map((child) => droppable(child, opts));
  if (opts.derived) markDerived(node.v, drop);
  // never leave an object empty: an object whose every field is droppable keeps them all
  const all = drop.every(Boolean);
  const k: string[] = [];
  const v: JNode[] = [];
  for (let i = 0; i < node.v.length; i++) {
    if (drop[i] && !all) {
      omitted.push(`${node.k[i]}:${serialize(node.v[i])}`);
      continue;
    }
    k.push(node.k[i]);
    v.push(visit(node.v[i], opts, omitted));
  }
  return { t: 'o', k, v };
}

/** Mark URL fields that extend a root URL field of the same object by a short path without digits.
 *  A root is a URL no other URL field of the object is a path prefix of; roots are never dropped. */
function markDerived(values: JNode[], drop: boolean[]): void {
  const urls: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!drop[i] && x.t === 's' && x.raw.startsWith('"http') && x.raw.indexOf('\\') < 0) urls.push(i);
  }
  if (urls.length < 2 || urls.length > MAX_URL_FIELDS) return;
  const text = urls.map((i) => (values[i] as { raw: string }).raw.slice(1, -1));
  const extends_ = (a: string, b: string): boolean => a.length > b.length && a.charCodeAt(b.length) === 47 && a.startsWith(b);
  const roots = text.filter((u) => !text.some((w) => extends_(u, w)));
  for (let j = 0; j < urls.length; j++) {
    const u = text[j];
    for (const r of roots) {
      if (extends_(u, r) && u.length - r.length <= MAX_DERIVED_SUFFIX && !/\d/.test(u.slice(r.length))) {
        drop[urls[j]] = true;
        break;
      }
    }
  }
}
