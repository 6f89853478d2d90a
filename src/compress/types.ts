// Types shared by the engine's pipeline and its transforms. The engine is pure: no I/O, no imports
// from the rest of src/.

export type Level = 'off' | 'lossless' | 'balanced' | 'aggressive';

export interface TextPart {
  type: 'text';
  text: string;
  [key: string]: unknown;
}
/** Any other content part (image_url, input_audio, file, …) passes through untouched. */
export interface OtherPart {
  type: string;
  [key: string]: unknown;
}
export type ContentPart = TextPart | OtherPart;

/** An OpenAI chat message; every field other than `content` is carried through as-is. */
export interface ChatMessage {
  role: string;
  content?: string | ContentPart[] | null;
  [key: string]: unknown;
}

export interface CompressOptions {
  /** default 'balanced' */
  level?: Level;
  /** keep about this share of the compressible tokens (0 < r ≤ 1); overrides level budgets */
  targetRatio?: number;
  /** aim for about this many tokens in the compressible messages; overrides level budgets */
  targetTokens?: number;
  /** picks the tokenizer (o200k / cl100k / estimate) */
  model?: string;
  /** roles whose text may be compressed (default ['user', 'tool', 'function']) */
  roles?: string[];
  /** Optional: a cache of compressed messages keyed by their causal prefix (createCompressionCache);
   *  output is byte-identical with or without it, a resent conversation is just not recompressed */
  cache?: import('./cache.js').CompressionCache;
}

export type GuardDecision = 'kept' | 'reverted' | 'unchanged' | 'skipped';

export interface MessageStats {
  index: number;
  role: string;
  originalTokens: number;
  compressedTokens: number;
  /** names of the transforms that changed this message, in order */
  transforms: string[];
  /** kept: compressed form sent; reverted: the guard found a lost span and sent the original;
   *  unchanged: nothing to gain; skipped: role or part not compressible */
  guard: GuardDecision;
  /** why the guard reverted (e.g. the first lost span), when it did */
  reason?: string;
}

export interface CompressStats {
  originalTokens: number;
  compressedTokens: number;
  savedTokens: number;
  /** compressed / original (1 = nothing saved) */
  ratio: number;
  tokenizer: 'o200k' | 'cl100k' | 'estimate';
  level: Level | 'target';
  ms: number;
  messages: MessageStats[];
}

export interface CompressResult {
  messages: ChatMessage[];
  stats: CompressStats;
}

/** A run of text of one kind, inside one message. */
export type BlockKind = 'prose' | 'json' | 'log' | 'code' | 'markdown' | 'html' | 'table';

export interface Block {
  kind: BlockKind;
  text: string;
  /** Optional (added by the engine owner, backward compatible): whole units (sentences, lines,
   *  array items) that a transform dropped ON PURPOSE. The guard does not require the protected
   *  spans found only inside these units. A transform that drops units and does not list them
   *  here gets its result checked against every protected span of the input block. */
  omitted?: string[];
}

/** What a transform may know: only the current message and earlier ones (causal invariant). */
export interface TransformContext {
  level: Exclude<Level, 'off'>;
  /** share of this block's tokens to aim to keep (1 = lossless re-encoding only) */
  keep: number;
  /** the query this message is judged against: the question in the same message, else the latest
   *  earlier user turn / assistant tool call; '' when none */
  query: string;
  /** lower-cased content words of the query */
  queryTerms: ReadonlySet<string>;
  /** the message's role */
  role: string;
  /** Optional (added by the engine owner, backward compatible): index of the message in the request */
  messageIndex?: number;
  /** Optional (added by the engine owner, backward compatible): tokens of the whole message, so a
   *  small block of a long message (a paragraph between code fences) is treated as part of it */
  messageTokens?: number;
  /** Optional: the JSON sent in earlier messages of the request (the JSON transform refers to it) */
  jsonHistory?: import('./transforms/json-history.js').JsonHistory;
}

/** A transform is a pure pass: (block, context) → block. It never throws and never grows the text.
 *  Convention: each file under transforms/ exports its pass as a named const/function named after
 *  the file (`whitespace`, `prose`, `code`, `markdown`, `json`, `logs`), typed `Transform`. */
export type Transform = (block: Block, ctx: TransformContext) => Block;
