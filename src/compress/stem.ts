// A tiny suffix stripper so that query terms match their inflections ("errors" ~ "error",
// "running" ~ "run"); good enough for BM25 matching, not a linguistic stemmer.
export function stem(w: string): string {
  const n = w.length;
  if (n <= 3) return w;
  if (w.endsWith("'s")) return w.slice(0, -2);
  if (n > 5 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (n > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (n > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (n > 4 && w.endsWith('es') && /(?:ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  return w;
}
