// Reading an upstream body under a size cap — error bodies, model lists, translated Messages
// answers: reading stops at the cap and the body is destroyed (the connection is dropped), so a
// hostile upstream cannot make the gateway buffer without bound. Each caller names its cap and
// what a body over it means.

/** Bytes of an upstream error body kept for its message. */
export const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * Reads a body up to `limit` bytes and stops there: the rest is not read, the body is destroyed
 * (the connection is dropped), so an upstream cannot make the gateway buffer without bound.
 */
export async function readBodyCapped(body: AsyncIterable<Uint8Array>, limit: number): Promise<{ buffer: Buffer; truncated: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  let truncated = false;
  // leaving a for-await loop early calls the stream iterator's return(), which destroys the stream
  for await (const chunk of body) {
    const room = limit - size;
    if (chunk.length > room) {
      if (room > 0) parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, room));
      size = limit;
      truncated = true;
      break;
    }
    parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    size += chunk.length;
  }
  return { buffer: Buffer.concat(parts, size), truncated };
}

/** Reads at most `limit` bytes of a body as text; reading stops at the cap (the rest is discarded with the connection). */
export async function readBodyText(body: AsyncIterable<Uint8Array>, limit = ERROR_BODY_LIMIT): Promise<string> {
  return (await readBodyCapped(body, limit)).buffer.toString('utf8');
}
