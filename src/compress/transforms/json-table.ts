// The compact table encoding of the JSON transform, and its reader. An array of ≥ 3 objects that all
// have the same keys in the same order becomes
//   {"$table":["id","name","status"],"rows":[[1,"a","ok"],[2,"b","failed"],...]}
// which is still valid JSON (the eval's validity check and any model read it as is) and decodes back
// to exactly the original array: row i, cell j is the value of key $table[j] in item i. Cells are
// JSON (nested objects stay objects, nested same-shape arrays become nested tables). A row that is
// not an array (the `{"$omitted":N}` note that lossy sampling leaves in a gap) is an item as is.
// The encoder never produces a table for input that already uses the marker keys, so decoding is
// unambiguous.
import { REF_KEY, resolveRefs } from './json-refs.js';
import { type JNode, type JObject, stringValue } from './json-syntax.js';

export const TABLE_KEY = '$table';
export const ROWS_KEY = 'rows';
export const OMITTED_KEY = '$omitted';
const RAW_TABLE = JSON.stringify(TABLE_KEY);
const RAW_ROWS = JSON.stringify(ROWS_KEY);
const RAW_REF = JSON.stringify(REF_KEY);
const MIN_ROWS = 3;

/** Which of `markers` occur as object keys anywhere in the value. An encoding whose marker key the
 *  input already uses is not applied, so reading the result back stays unambiguous. */
export function markerKeysIn(root: JNode, markers: readonly string[]): Set<string> {
  const found = new Set<string>();
  const stack: JNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as JNode;
    if (node.t === 'o') {
      for (const raw of node.k) {
        if (raw.charCodeAt(1) === 36 || raw.indexOf('\\') >= 0) {
          const key = stringValue(raw);
          if (markers.includes(key)) found.add(key);
        }
      }
      for (const v of node.v) stack.push(v);
    } else if (node.t === 'a') {
      for (const v of node.v) stack.push(v);
    }
  }
  return found;
}

/** Whether an item is a sampling note (`{"$omitted":N}`). */
export function isOmittedNote(node: JNode): boolean {
  return node.t === 'o' && node.k.length === 1 && node.k[0] === JSON.stringify(OMITTED_KEY);
}

interface Encoded {
  node: JNode;
  len: number;
}

/** Re-encode every array of same-shape objects as a table (when that is shorter). Bottom-up,
 *  linear in the size of the value; returns the new tree and its minified length. */
export function encodeTables(node: JNode): Encoded {
  if (node.t === 'o') {
    const v: JNode[] = new Array(node.v.length);
    let len = 2 + Math.max(0, node.v.length - 1);
    for (let i = 0; i < node.v.length; i++) {
      const e = encodeTables(node.v[i]);
      v[i] = e.node;
      len += node.k[i].length + 1 + e.len;
    }
    return { node: { t: 'o', k: node.k, v }, len };
  }
  if (node.t === 'a') {
    const items: Encoded[] = node.v.map(encodeTables);
    let plainLen = 2 + Math.max(0, items.length - 1);
    for (const it of items) plainLen += it.len;
    const plain: Encoded = { node: { t: 'a', v: items.map((e) => e.node) }, len: plainLen };
    const keys = commonKeys(node);
    if (keys === null) return plain;
    // {"$table":[keys],"rows":[[cells],...]}
    let len = 2 + RAW_TABLE.length + 1 + 2 + (keys.length - 1) + 1 + RAW_ROWS.length + 1 + 2 + Math.max(0, items.length - 1);
    for (const k of keys) len += k.length;
    const rows: JNode[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i].node;
      if (isOmittedNote(node.v[i])) {
        rows[i] = item;
        len += items[i].len;
        continue;
      }
      const obj = item as JObject;
      let rowLen = 2 + (obj.v.length - 1);
      // cell lengths: item length minus keys and colons
      rowLen += items[i].len - 2 - (obj.v.length - 1) - sumKeyLen(obj) - obj.v.length;
      rows[i] = { t: 'a', v: obj.v };
      len += rowLen;
    }
    if (len >= plainLen) return plain;
    const table: JObject = {
      t: 'o',
      k: [RAW_TABLE, RAW_ROWS],
      v: [{ t: 'a', v: keys.map((raw) => ({ t: 's', raw })) }, { t: 'a', v: rows }],
    };
    return { node: table, len };
  }
  return { node, len: node.raw.length };
}

function sumKeyLen(o: JObject): number {
  let n = 0;
  for (const k of o.k) n += k.length;
  return n;
}

/** The shared key list when the array's items (sampling notes aside) are ≥ 3 objects with the same
 *  non-empty, duplicate-free keys in the same order; else null. */
function commonKeys(arr: { v: JNode[] }): string[] | null {
  let keys: string[] | null = null;
  let count = 0;
  for (const item of arr.v) {
    if (isOmittedNote(item)) continue;
    if (item.t !== 'o' || item.k.length === 0) return null;
    if (keys === null) {
      keys = item.k;
      if (new Set(keys).size !== keys.length) return null;
    } else {
      if (item.k.length !== keys.length) return null;
      for (let i = 0; i < keys.length; i++) if (item.k[i] !== keys[i]) return null;
    }
    count++;
  }
  return count >= MIN_ROWS ? keys : null;
}

/** Read back a text produced by the JSON transform: parse it, expand every table into the array of
 *  objects it stands for and resolve every `{"$same":"#/…"}` reference. Throws a SyntaxError when
 *  the text is not JSON. */
export function decodeJsonTable(text: string): unknown {
  const value: unknown = JSON.parse(text);
  const tables = text.indexOf(RAW_TABLE) >= 0;
  const refs = text.indexOf(RAW_REF) >= 0;
  if (!tables && !refs) return value;
  try {
    const expanded = tables ? expand(value) : value;
    return refs ? resolveRefs(expanded) : expanded;
  } catch {
    return value; // nesting too deep to walk: nothing is encoded inside (the encoder skips deep values)
  }
}

function isTable(v: Record<string, unknown>): v is { $table: string[]; rows: unknown[] } {
  const keys = Object.keys(v);
  return (
    keys.length === 2 &&
    keys[0] === TABLE_KEY &&
    keys[1] === ROWS_KEY &&
    Array.isArray(v[TABLE_KEY]) &&
    (v[TABLE_KEY] as unknown[]).every((k) => typeof k === 'string') &&
    Array.isArray(v[ROWS_KEY])
  );
}

function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (isTable(obj)) {
    const keys = obj.$table;
    return obj.rows.map((row) => {
      if (!Array.isArray(row)) return expand(row);
      const item: Record<string, unknown> = {};
      for (let j = 0; j < keys.length; j++) {
        // define, not assign, so a key named __proto__ stays an own property as with JSON.parse
        Object.defineProperty(item, keys[j], { value: expand(row[j]), enumerable: true, writable: true, configurable: true });
      }
      return item;
    });
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) {
    Object.defineProperty(out, k, { value: expand(obj[k]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
