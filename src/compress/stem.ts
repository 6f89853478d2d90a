// A tiny suffix stripper plus truncation to 5 characters so that query terms match their
// inflections and derivations ("errors" ~ "error", "spongy" ~ "sponge", "deploying" ~ "deployment").
// Truncation stemming is crude but a known-good trade-off for retrieval; it is only used to match
// words against the query, never to rewrite text.
const memo = new Map<string, string>();
const MEMO_MAX = 50_000;

export function stem(w: string): string {
  const hit = memo.get(w);
  if (hit !== undefined) return hit;
  const s0 = strip(w);
  const s = s0.length > 5 && /^[a-z]/.test(s0) ? s0.slice(0, 5) : s0;
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(w, s);
  return s;
}

function strip(w: string): string {
  const n = w.length;
  if (n <= 3) return w;
  if (w.endsWith("'s")) return w.slice(0, -2);
  if (n > 5 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (n > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (n > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (n > 4 && w.endsWith('es') && /(?:ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return strip(w.slice(0, -1));
  if (n > 3 && w.endsWith('e')) return w.slice(0, -1);
  return w;
}
