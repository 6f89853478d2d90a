// A mock native Anthropic Messages API (`POST /v1/messages`) on a loopback port, for the gateway's
// Anthropic route tests: records every request (path, headers, raw and parsed body), answers with
// an Anthropic Message as JSON or as Anthropic SSE events (message_start … message_stop, text or
// a tool_use block streamed as input_json_delta fragments), or fails with a status and an
// Anthropic-shaped error. Separate from mock-upstream.ts (the OpenAI-compatible mock).
//
//   const mock = await startMockAnthropic();      // mock.origin = http://127.0.0.1:PORT
//   mock.behavior = { text: 'hi' }; mock.enqueue({ fail: 529 });
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockAnthropicBehavior {
  /** assistant text (default "Hello from the mock Anthropic upstream.") */
  text?: string;
  /** answer with this tool_use block instead of text */
  toolUse?: { id: string; name: string; input: Record<string, unknown> };
  /** answer with this status and an Anthropic error body */
  fail?: number;
  failType?: string;
  /** usage reported (defaults below) */
  usage?: {
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens?: number;
    cache_creation_input_tokens?: number;
    cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  };
  /** streams: destroy the connection after this many events */
  failAfterEvents?: number;
  /** streams: after this many events send an Anthropic `error` event with `message` (`{auth}` is
   *  replaced by the credential headers received: an upstream that echoes them) and end */
  errorAfterEvents?: { after: number; message: string };
}

export interface AnthropicRecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: any;
}

export interface MockAnthropic {
  origin: string;
  requests: AnthropicRecordedRequest[];
  behavior: MockAnthropicBehavior;
  enqueue(b: MockAnthropicBehavior): void;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_ANTHROPIC_USAGE = { input_tokens: 120, output_tokens: 9, cache_read_input_tokens: 30, cache_creation_input_tokens: 0 };

export async function startMockAnthropic(initial: MockAnthropicBehavior = {}): Promise<MockAnthropic> {
  const queue: MockAnthropicBehavior[] = [];
  let server: Server;
  const mock: MockAnthropic = {
    origin: '',
    requests: [],
    behavior: initial,
    enqueue: (b) => void queue.push(b),
    reset() {
      mock.requests.length = 0;
      queue.length = 0;
      mock.behavior = {};
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };

  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(parts).toString('utf8');
      let body: any;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      mock.requests.push({ method: req.method ?? '', url: req.url ?? '/', headers: req.headers, rawBody, body });
      handle(req, res, body, queue.shift() ?? mock.behavior);
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: any, b: MockAnthropicBehavior): void {
    if (b.fail) {
      const text = JSON.stringify({ type: 'error', error: { type: b.failType ?? 'api_error', message: 'mock anthropic failure' } });
      res.writeHead(b.fail, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/messages') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `mock: no route ${req.url}` } }));
      return;
    }
    const usage = b.usage ?? DEFAULT_ANTHROPIC_USAGE;
    const text = b.text ?? 'Hello from the mock Anthropic upstream.';
    const block = b.toolUse ? { type: 'tool_use', ...b.toolUse } : { type: 'text', text };
    const message = {
      id: 'msg_mock_1',
      type: 'message',
      role: 'assistant',
      model: body?.model ?? 'claude-mock',
      content: [block],
      stop_reason: b.toolUse ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage,
    };
    if (!body?.stream) {
      const out = JSON.stringify(message);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out), 'request-id': 'req_mock_upstream' });
      res.end(out);
      return;
    }
    const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const events: string[] = [];
    events.push(ev('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }));
    events.push(ev('ping', {}));
    if (b.toolUse) {
      events.push(ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: b.toolUse.id, name: b.toolUse.name, input: {} } }));
      const json = JSON.stringify(b.toolUse.input);
      const half = Math.ceil(json.length / 2);
      for (const piece of [json.slice(0, half), json.slice(half)]) {
        events.push(ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: piece } }));
      }
    } else {
      events.push(ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
      for (const piece of text.match(/\S+\s*/g) ?? [text]) events.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
    }
    events.push(ev('content_block_stop', { index: 0 }));
    events.push(ev('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }));
    events.push(ev('message_stop', {}));
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': 'req_mock_upstream' });
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (b.failAfterEvents !== undefined && i >= b.failAfterEvents) {
        res.socket?.destroy();
        return;
      }
      if (b.errorAfterEvents && i >= b.errorAfterEvents.after) {
        const auth = [req.headers.authorization, req.headers['x-api-key']].filter(Boolean).join(' ');
        res.end(ev('error', { error: { type: 'api_error', message: b.errorAfterEvents.message.replaceAll('{auth}', auth) } }));
        return;
      }
      if (i >= events.length) {
        res.end();
        return;
      }
      res.write(events[i++]);
      setImmediate(next);
    };
    next();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  mock.origin = `http://127.0.0.1:${port}`;
  return mock;
}
