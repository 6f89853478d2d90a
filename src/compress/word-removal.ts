// Low-value word removal inside a sentence that selection kept. Drops: transcript annotations
// ({vocalsound}, [laughter], …), filler sounds (um, uh, er, hmm, mm), stutters ("the the", "I I"),
// and - at aggressive - discourse fillers and hedges ("you know", "I mean", "basically",
// "actually", "kind of", "sort of", "really", "just", "quite", "very"). Never drops: negations,
// numbers, the word right after a number (its unit), protected words (identifiers, paths, quoted
// text, names) or query terms - so the guard's spans survive by construction. Articles are kept:
// answers are often noun phrases ("the chosen machine model") that must stay verbatim.
import { isProtectedWord } from './protect.js';

// (not right after a number: the next word would become its unit)
const ANNOTATION = /(?<![\d%])(?<![\d%]\s)\s?(?:\{(?:vocalsound|disfmarker|gap|nonvocalsound|pause|comment)\}|\[(?:laughter|laughs|laughing|inaudible|crosstalk|music|applause|noise|silence|pause|coughs?|sighs?)\]|\((?:laughs|laughter|inaudible|crosstalk|pause|coughs?|sighs?)\))/gi;
const SOUNDS = new Set(['um', 'umm', 'uh', 'uhh', 'uhm', 'er', 'erm', 'hmm', 'hm', 'mm', 'mmm', 'mhm', 'ah', 'eh']);
const AGGRESSIVE_WORDS = new Set(['basically', 'actually', 'literally', 'really', 'just', 'quite', 'very', 'totally', 'honestly', 'simply', 'certainly', 'obviously']);
// never right after a number: "5 kind of" would lose the number's unit word
const AGGRESSIVE_PHRASES = /(?:^|(?<=[\s,]))(?<![\d%]\s)(?<![\d%],\s)(?:you know|i mean|kind of|sort of|i guess|you see)(?=[\s,.!?]|$),?/gi;
const TOKEN = /\S+/g;
/** cheap test: can anything in this sentence be removed at all? */
const HINT = /\b(?:u[mh]+|uhm|er|erm|h?mm+|hm|mhm|ah|eh)\b|[{[(]|\b(\w{1,3}) \1\b/i;
const HINT_AGGRESSIVE = /\b(?:basically|actually|literally|really|just|quite|very|totally|honestly|simply|certainly|obviously|you know|i mean|kind of|sort of|i guess|you see)\b/i;
const PUNCT_ONLY = /^[,;]$/;
const DANGLING_COMMA = /(\S*)\s*,\s*([.!?])/g;
const PLAIN_WORD = /^[A-Za-z']+$/;

export interface WordRemovalOptions {
  aggressive: boolean;
  queryTerms: ReadonlySet<string>;
}

/** Remove low-value words from one sentence; returns the sentence unchanged when nothing applies. */
export function removeLowValueWords(sentence: string, o: WordRemovalOptions): string {
  // quoted text and inline code are protected spans: leave sentences that hold them as they are
  if (sentence.indexOf('"') >= 0 || sentence.indexOf('“') >= 0 || sentence.indexOf('`') >= 0) return sentence;
  if (!HINT.test(sentence) && !(o.aggressive && HINT_AGGRESSIVE.test(sentence))) return sentence;
  let s = sentence;
  if (s.indexOf('{') >= 0 || s.indexOf('[') >= 0 || s.indexOf('(') >= 0) s = s.replace(ANNOTATION, '');
  if (o.aggressive) s = s.replace(AGGRESSIVE_PHRASES, '');
  const words = s.match(TOKEN);
  if (!words) return s.trim() === '' ? sentence : s;
  const out: string[] = [];
  let prevNumber = false;
  let prevLower = '';
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const bare = w.replace(/^[("'“]+|[)"'”,.;:!?]+$/g, '');
    const lower = bare.toLowerCase();
    const isNum = /\d/.test(w);
    let drop = false;
    if (!prevNumber && bare.length > 0 && bare === w.replace(/,$/, '') && !o.queryTerms.has(lower)) {
      if (SOUNDS.has(lower)) drop = true;
      else if (o.aggressive && AGGRESSIVE_WORDS.has(lower)) drop = true;
      else if (lower === prevLower && bare.length <= 3 && lower !== 'had' && /^[a-z]+$/i.test(bare) && !w.endsWith(',') && (lower === 'i' || !isProtectedWord(bare, o.queryTerms))) {
        drop = true; // stutter
      }
    }
    // a lone comma left behind by a dropped filler
    if (!drop && PUNCT_ONLY.test(w) && out.length > 0 && PUNCT_ONLY.test(out[out.length - 1])) drop = true;
    if (!drop) {
      out.push(w);
      prevLower = lower;
    }
    prevNumber = isNum;
  }
  // "word ," patterns of tokenised transcripts: drop a comma that now starts the sentence
  while (out.length > 0 && PUNCT_ONLY.test(out[0])) out.shift();
  // a comma left dangling before the end of the sentence goes, but only after a plain word: gluing
  // the "." to a path, URL or number ("app.log ,." → "app.log.") would change that span
  const result = out.join(' ').replace(DANGLING_COMMA, (m, prev: string, end: string) => (PLAIN_WORD.test(prev) ? prev + end : m));
  return result.length > 0 && result.length < sentence.length ? result : sentence;
}
