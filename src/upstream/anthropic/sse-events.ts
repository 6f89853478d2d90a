// Anthropic SSE framing: `event: <type>` + `data: {"type":"<type>",…}`, shared by the stream
// translator (which writes every event) and the native tap (which only adds an error event when
// the upstream connection fails mid-stream).
type Json = Record<string, unknown>;

export function sseEvent(type: string, data: Json): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** An Anthropic-shaped SSE error event. */
export function anthropicSseError(errorType: string, message: string): string {
  return sseEvent('error', { error: { type: errorType, message } });
}
