// Public API of the compression engine: pure, synchronous, deterministic, never throws.
//   compressMessages(messages, options) → { messages, stats }
//   countTokens(text, model?) / tokenizerFor(model)
//   createCompressionCache({ maxBytes }) → pass as options.cache to skip recompressing resent messages
// See docs/engine.md for what each level does and what is never lost.
export { compressMessages } from './pipeline.js';
export { createCompressionCache, CompressionCache, DEFAULT_CACHE_BYTES, type CompressionCacheStats } from './cache.js';
export { countTokens, tokenizerFor, estimateTokens, type TokenizerName } from './tokens.js';
export type * from './types.js';
