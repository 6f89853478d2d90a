// Answer and must-keep retention: which expected strings are still present in the compressed text.
// Both sides are lower-cased and runs of white space collapsed to one space (the needle is also
// trimmed); nothing else is normalised, as the eval README specifies.

export function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

/** The haystack for `missing`: all texts joined by a line break, then normalised. */
export function haystack(texts: readonly string[]): string {
  return normalise(texts.join('\n'));
}

/** The needles not found in `hay` (an already normalised haystack), in their original spelling. */
export function missing(needles: readonly string[], hay: string): string[] {
  return needles.filter((n) => !hay.includes(normalise(n).trim()));
}
