// The reader of the JSON transform's re-encodings (json-table.ts, json-refs.ts): `decodeJsonTable`
// parses the text, resolves every `{"$same":"#/…"}` reference (a JSON Pointer into the document as
// written) and then expands every table back into the array of objects it stands for. For lossless
// output the result deep-equals JSON.parse of the original text. Table header entries:
//   "k"            a column: one cell per row
//   {"k":[…]}      an object-valued column flattened: its keys (same entry forms, recursively), cells inline
//   ["k",V]        a constant column: every item has k = V, no cell in the rows
//   {"k":{"$table":[…]}}  an array-of-objects column: one header (same forms) for the items of every
//                  row; the row's cell is the list of their rows
// A row that is not an array (a sampling note, an item of another shape) is an item as is.
import { REF_KEY, resolveRefs } from './json-refs.js';

export const TABLE_KEY = '$table';
export const ROWS_KEY = 'rows';
const RAW_TABLE = JSON.stringify(TABLE_KEY);
const RAW_REF = JSON.stringify(REF_KEY);

/** Read back a text produced by the JSON transform. `earlier(label)` gives the parsed text (as sent)
 *  of an earlier block that `{"$same":"label#/…"}` references point into; without it such references
 *  stay as they are. Throws a SyntaxError when the text is not JSON. */
export function decodeJsonTable(text: string, earlier?: (label: string) => unknown): unknown {
  const value: unknown = JSON.parse(text);
  const tables = text.indexOf(RAW_TABLE) >= 0;
  const refs = text.indexOf(RAW_REF) >= 0;
  if (!tables && !refs) return value;
  try {
    const resolved = refs ? resolveRefs(value, earlier) : value;
    return tables ? expand(resolved) : resolved;
  } catch {
    return value; // nesting too deep to walk: nothing is encoded inside (the encoder skips deep values)
  }
}

type Entry = string | [string, unknown] | Record<string, Entry[] | { $table: Entry[] }>;

function isHeader(h: unknown, depth: number): h is Entry[] {
  if (!Array.isArray(h) || depth > 200) return false;
  for (const e of h) {
    if (typeof e === 'string') continue;
    if (Array.isArray(e)) {
      if (e.length !== 2 || typeof e[0] !== 'string') return false;
      continue;
    }
    if (e === null || typeof e !== 'object') return false;
    const keys = Object.keys(e);
    if (keys.length !== 1) return false;
    const sub = (e as Record<string, unknown>)[keys[0]];
    if (isHeader(sub, depth + 1)) continue;
    if (sub === null || typeof sub !== 'object') return false;
    const subKeys = Object.keys(sub);
    if (subKeys.length !== 1 || subKeys[0] !== TABLE_KEY || !isHeader((sub as Record<string, unknown>)[TABLE_KEY], depth + 1)) return false;
  }
  return true;
}

function isTable(v: Record<string, unknown>): v is { $table: Entry[]; rows: unknown[] } {
  const keys = Object.keys(v);
  return keys.length === 2 && keys[0] === TABLE_KEY && keys[1] === ROWS_KEY && isHeader(v[TABLE_KEY], 0) && Array.isArray(v[ROWS_KEY]);
}

/** define, not assign, so a key named __proto__ stays an own property as with JSON.parse */
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function buildItem(header: Entry[], row: unknown[], pos: { i: number }): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const e of header) {
    if (typeof e === 'string') define(item, e, expand(row[pos.i++]));
    else if (Array.isArray(e)) define(item, e[0], expand(e[1]));
    else {
      const key = Object.keys(e)[0];
      const sub = e[key];
      if (Array.isArray(sub)) define(item, key, buildItem(sub, row, pos));
      else define(item, key, rowsOf(sub.$table, row[pos.i++]));
    }
  }
  return item;
}

/** The items of a table's rows list (a row that is not an array is an item as is). */
function rowsOf(header: Entry[], rows: unknown): unknown {
  if (!Array.isArray(rows)) return expand(rows);
  return rows.map((row) => (Array.isArray(row) ? buildItem(header, row, { i: 0 }) : expand(row)));
}

function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (isTable(obj)) {
    return rowsOf(obj.$table, obj.rows);
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) define(out, k, expand(obj[k]));
  return out;
}
