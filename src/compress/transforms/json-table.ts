// The compact table encoding of the JSON transform. An array of ≥ 2 objects, most of which have the
// same keys in the same order, becomes
//   {"$table":["id","name",{"owner":["login","id"]},["type","User"]],"rows":[[1,"a","octo",7],…]}
// which is still valid JSON (the eval's validity check and any model read it as is) and decodes back
// to exactly the original array (json-table-decode.ts). Header entries: "k" is a column (one cell per
// row); {"k":[…]} is an object-valued column whose objects all have the same keys, flattened so its
// keys are written once and its cells sit inline in the row; ["k",V] is a column whose value is the
// same V in every row, written once and no longer in the rows. Items of another shape (and the
// `{"$omitted":N}` notes of lossy sampling) stay in `rows` as objects. A table is used only when it
// is shorter. Key order is kept. The encoder never produces a table for input that already uses the
// marker keys, so decoding is unambiguous. Linear: each cell is visited once per table level.
import { type JNode, type JObject, stringValue } from './json-syntax.js';
import { ROWS_KEY, TABLE_KEY } from './json-table-decode.js';

export { TABLE_KEY, ROWS_KEY, decodeJsonTable } from './json-table-decode.js';
export const OMITTED_KEY = '$omitted';
const RAW_TABLE = JSON.stringify(TABLE_KEY);
const RAW_ROWS = JSON.stringify(ROWS_KEY);
const RAW_OMITTED = JSON.stringify(OMITTED_KEY);
const MIN_ROWS = 2;
/** A container column is constant (as a whole) only up to this length (minified): `[]`, `{}`, small ones. */
const CONST_MAX_CHARS = 64;
/** Flattened object columns nest at most this deep. */
const MAX_GROUP_DEPTH = 8;

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
  return node.t === 'o' && node.k.length === 1 && node.k[0] === RAW_OMITTED;
}

interface Encoded {
  node: JNode;
  len: number;
}

/** How a column is written: cells as they are, flattened into sub-columns, or once as a constant. */
type Col =
  | { c: 'plain' }
  | { c: 'const'; value: JNode }
  | { c: 'group'; keys: string[]; cols: Col[] }
  /** arrays of objects in every row, one shared header: each cell becomes its rows list */
  | { c: 'nested'; keys: string[]; cols: Col[]; rows: Map<JNode, JNode> };
const PLAIN: Col = { c: 'plain' };

/** Minified lengths of the containers built so far (scalars: their raw text). */
type Lens = Map<JNode, number>;

function lenOf(node: JNode, lens: Lens): number {
  if (node.t !== 'o' && node.t !== 'a') return node.raw.length;
  const n = lens.get(node);
  if (n !== undefined) return n;
  let len = 2 + Math.max(0, node.v.length - 1);
  for (let i = 0; i < node.v.length; i++) len += (node.t === 'o' ? node.k[i].length + 1 : 0) + lenOf(node.v[i], lens);
  lens.set(node, len);
  return len;
}

/** Re-encode every array of same-shape objects as a table (when that is shorter). Bottom-up;
 *  returns the new tree and its minified length. */
export function encodeTables(node: JNode): Encoded {
  const lens: Lens = new Map();
  const out = enc(node, lens);
  return { node: out, len: lenOf(out, lens) };
}

function enc(node: JNode, lens: Lens): JNode {
  if (node.t === 'o') {
    const v = node.v.map((x) => enc(x, lens));
    return { t: 'o', k: node.k, v };
  }
  if (node.t !== 'a') return node;
  const plain: JNode = { t: 'a', v: node.v.map((x) => enc(x, lens)) };
  const table = tableOf(plain, lens);
  if (table === null) return plain;
  PLAIN_OF.set(table, plain);
  return table;
}

/** The plain array each table was made from (a column of arrays may share one header instead). */
const PLAIN_OF = new WeakMap<JNode, JNode & { t: 'a' }>();

/** The most frequent key signature among object items (notes aside), with each item's signature;
 *  null when an item is not an object or no signature occurs MIN_ROWS times. */
function shapeOf(items: JNode[]): { best: string; sigs: Array<string | null> } | null {
  const counts = new Map<string, number>();
  const sigs: Array<string | null> = new Array(items.length);
  let best: string | null = null;
  let bestCount = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.t !== 'o') return null;
    const s = isOmittedNote(item) ? null : signature(item);
    sigs[i] = s;
    if (s === null) continue;
    const c = (counts.get(s) ?? 0) + 1;
    counts.set(s, c);
    if (c > bestCount) {
      bestCount = c;
      best = s;
    }
  }
  return best === null || bestCount < MIN_ROWS ? null : { best, sigs };
}

/** Header and cell plan for the items of the best shape. */
function planFor(items: JNode[], best: string, sigs: Array<string | null>, depth: number, lens: Lens): { keys: string[]; cols: Col[] } {
  const members: JObject[] = [];
  for (let i = 0; i < items.length; i++) if (sigs[i] === best) members.push(items[i] as JObject);
  const keys = members[0].k;
  return { keys, cols: keys.map((_, j) => column(members.map((m) => m.v[j]), depth, lens)) };
}

/** Row i of a table: the cells of a member item, or the item as is. */
function rowOf(item: JNode, member: boolean, keys: string[], cols: Col[]): JNode {
  if (!member) return item;
  const cells: JNode[] = [];
  const o = item as JObject;
  for (let j = 0; j < keys.length; j++) pushCells(o.v[j], cols[j], cells);
  return { t: 'a', v: cells };
}

function isTableNode(n: JNode): boolean {
  return n.t === 'o' && n.k.length === 2 && n.k[0] === RAW_TABLE;
}

/** The key signature of an object item (null for a non-object or one with empty/duplicate keys). */
function signature(n: JNode): string | null {
  if (n.t !== 'o' || n.k.length === 0 || isTableNode(n)) return null;
  if (n.k.length > 1 && new Set(n.k).size !== n.k.length) return null;
  return n.k.join('\n');
}

function tableOf(arr: JNode & { t: 'a' }, lens: Lens): JNode | null {
  if (arr.v.length < MIN_ROWS) return null;
  const shape = shapeOf(arr.v);
  if (shape === null) return null;
  const { best, sigs } = shape;
  const { keys, cols } = planFor(arr.v, best, sigs, 0, lens);
  const header: JNode = { t: 'a', v: headerEntries(keys, cols) };
  const rowsNode: JNode = { t: 'a', v: arr.v.map((item, i) => rowOf(item, sigs[i] === best, keys, cols)) };
  const len = 1 + RAW_TABLE.length + 1 + lenOf(header, lens) + 1 + RAW_ROWS.length + 1 + lenOf(rowsNode, lens) + 1;
  if (len >= lenOf(arr, lens)) return null;
  const table: JNode = { t: 'o', k: [RAW_TABLE, RAW_ROWS], v: [header, rowsNode] };
  lens.set(table, len);
  return table;
}

/** How to write a column, from its cells (one per member row). */
function column(cells: JNode[], depth: number, lens: Lens): Col {
  const n = cells.length;
  const first = cells[0];
  const firstRaw = smallRaw(first);
  if (firstRaw !== null) {
    let same = true;
    for (let i = 1; i < n && same; i++) same = smallRaw(cells[i]) === firstRaw;
    // ["k",V] costs V and 4 chars once; each row saves V and a comma
    if (same && n * (firstRaw.length + 1) > firstRaw.length + 4) return { c: 'const', value: first };
  }
  if (depth >= MAX_GROUP_DEPTH) return PLAIN;
  const sig = signature(first);
  if (sig === null) return nestedColumn(cells, depth, lens);
  for (let i = 1; i < n; i++) if (signature(cells[i]) !== sig) return PLAIN;
  const objs = cells as JObject[];
  const keys = objs[0].k;
  return { c: 'group', keys, cols: keys.map((_, j) => column(objs.map((o) => o.v[j]), depth + 1, lens)) };
}

/** A column whose cells are all arrays of objects (or tables of them): one header for the items of
 *  every row, written once as {"k":{"$table":[…]}}, each cell then just its rows. Only when shorter. */
function nestedColumn(cells: JNode[], depth: number, lens: Lens): Col {
  const arrays: Array<JNode & { t: 'a' }> = [];
  let before = 0;
  for (const c of cells) {
    const a = c.t === 'a' ? c : PLAIN_OF.get(c);
    if (a === undefined) return PLAIN;
    arrays.push(a);
    before += lenOf(c, lens);
  }
  const items: JNode[] = [];
  for (const a of arrays) for (const x of a.v) items.push(x);
  const shape = shapeOf(items);
  if (shape === null) return PLAIN;
  const { best, sigs } = shape;
  const { keys, cols } = planFor(items, best, sigs, depth + 1, lens);
  const rows = new Map<JNode, JNode>();
  let after = 1 + RAW_TABLE.length + 1 + 4 + lenOf({ t: 'a', v: headerEntries(keys, cols) }, lens);
  let at = 0;
  for (let i = 0; i < cells.length; i++) {
    const a = arrays[i];
    const list: JNode = { t: 'a', v: a.v.map((x, j) => rowOf(x, sigs[at + j] === best, keys, cols)) };
    at += a.v.length;
    rows.set(cells[i], list);
    after += lenOf(list, lens);
  }
  return after < before ? { c: 'nested', keys, cols, rows } : PLAIN;
}

function headerEntries(keys: string[], cols: Col[]): JNode[] {
  return keys.map((raw, j): JNode => {
    const col = cols[j];
    if (col.c === 'plain') return { t: 's', raw };
    if (col.c === 'const') return { t: 'a', v: [{ t: 's', raw }, col.value] };
    const sub: JNode = { t: 'a', v: headerEntries(col.keys, col.cols) };
    if (col.c === 'group') return { t: 'o', k: [raw], v: [sub] };
    return { t: 'o', k: [raw], v: [{ t: 'o', k: [RAW_TABLE], v: [sub] }] };
  });
}

function pushCells(cell: JNode, col: Col, out: JNode[]): void {
  if (col.c === 'plain') out.push(cell);
  else if (col.c === 'nested') out.push(col.rows.get(cell) as JNode);
  else if (col.c === 'group') {
    const o = cell as JObject;
    for (let j = 0; j < col.keys.length; j++) pushCells(o.v[j], col.cols[j], out);
  }
}

/** The minified text of a scalar, or of a short container (≤ CONST_MAX_CHARS), else null. Stops
 *  early on long containers (an identical long object is flattened, its leaves then constant). */
function smallRaw(node: JNode): string | null {
  if (node.t !== 'o' && node.t !== 'a') return node.raw;
  if (isTableNode(node)) return null;
  const out: string[] = [];
  let len = 0;
  const stack: Array<JNode | string> = [node];
  while (stack.length > 0) {
    const x = stack.pop() as JNode | string;
    let s: string;
    if (typeof x === 'string') s = x;
    else if (x.t === 'o') {
      s = '{';
      stack.push('}');
      for (let i = x.v.length - 1; i >= 0; i--) stack.push(x.v[i], (i > 0 ? ',' : '') + x.k[i] + ':');
    } else if (x.t === 'a') {
      s = '[';
      stack.push(']');
      for (let i = x.v.length - 1; i >= 0; i--) {
        stack.push(x.v[i]);
        if (i > 0) stack.push(',');
      }
    } else s = x.raw;
    len += s.length;
    if (len > CONST_MAX_CHARS) return null;
    out.push(s);
  }
  return out.join('');
}
