// A mock OpenAI-compatible upstream on a loopback port, shared by the gateway, billing and
// dashboard tests and by the benchmark. It records every request (method, path, headers, body),
// answers chat completions as JSON or SSE, lists models, and can misbehave on demand: hang, fail
// with a status, fail mid-stream, interleave SSE comments/keep-alives, omit `index` on tool-call
// deltas, put usage in the last chunk, next to the final choice, under `x_groq`, or nowhere.
//
//   const mock = await startMockUpstream();           // mock.baseUrl = http://127.0.0.1:PORT/v1
//   mock.behavior = { content: 'hi', usage: 'none' }; // default for every request
//   mock.enqueue({ fail: 500 });                       // the next request only
//   ...; mock.requests[0].body; await mock.waitForAborts(1); await mock.close();
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface MockBehavior {
  /** assistant text (default "Hello from the mock upstream.") */
  content?: string;
  /** answer with these tool calls instead of text */
  toolCalls?: MockToolCall[];
  /** answer with this HTTP status and an OpenAI-shaped error */
  fail?: number;
  /** message of that error (default "mock upstream failure") */
  failMessage?: string;
  /** never answer (until the client gives up) */
  hang?: boolean;
  /** streams: send the headers and this many chunks, then hang */
  hangAfterChunks?: number;
  /** streams: destroy the connection after this many chunks */
  failAfterChunks?: number;
  /** streams: after `afterChunks` chunks send an error inside the stream and end it — as
   *  `event: error` + data (`as: 'event'`, default) or as a bare `data: {"error":…}` chunk; `{auth}`
   *  in the message is replaced by the credential headers the mock received (an upstream that
   *  echoes them) */
  streamError?: { afterChunks: number; message: string; as?: 'event' | 'data' };
  /** streams: where usage goes. 'last-chunk' (default; only when stream_options.include_usage, like
   *  OpenAI), 'always' (usage chunk even unasked), 'with-final-choice' (on the finish chunk),
   *  'none'. Non-streaming: 'none' omits usage. */
  usage?: 'last-chunk' | 'always' | 'with-final-choice' | 'none';
  /** report usage under `x_groq.usage` instead of `usage` (Groq) */
  usageField?: 'usage' | 'x_groq';
  /** add `cost` (USD) to usage (OpenRouter) */
  cost?: number;
  /** streams: an SSE comment before every chunk (keep-alives) */
  keepAlive?: boolean;
  /** streams: leave `index` out of tool-call deltas */
  omitToolCallIndex?: boolean;
  /** streams: use CRLF line endings */
  crlf?: boolean;
  /** streams: milliseconds between chunks (default 0) */
  chunkDelayMs?: number;
  /** streams: text split into this many content chunks (default: one per word) */
  chunks?: number;
  /** body of GET …/models (default an OpenAI list of two models) */
  models?: unknown;
}

export interface RecordedRequest {
  method: string;
  /** path and query, e.g. /openai/deployments/gpt/chat/completions?api-version=2024-10-21 */
  url: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** parsed JSON body (undefined for GET or invalid JSON) */
  body: any;
}

export interface MockUpstream {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** http://127.0.0.1:PORT/v1 — what an OpenAI client or a BYOK key points at */
  baseUrl: string;
  requests: RecordedRequest[];
  /** requests whose client went away before the answer finished */
  aborts: number;
  behavior: MockBehavior;
  enqueue(behavior: MockBehavior): void;
  waitForAborts(n: number, timeoutMs?: number): Promise<void>;
  /** the usage the mock computes for a request body (what it reports) */
  usageFor(body: any): { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  reset(): void;
  close(): Promise<void>;
}

/** Prompt tokens as the mock counts them: characters of all message text / 4, rounded up. */
function promptTokens(body: any): number {
  let chars = 0;
  for (const m of body?.messages ?? []) {
    if (typeof m.content === 'string') chars += m.content.length;
    else if (Array.isArray(m.content)) for (const p of m.content) if (typeof p?.text === 'string') chars += p.text.length;
  }
  return Math.ceil(chars / 4);
}

const DEFAULT_MODELS = {
  object: 'list',
  data: [
    { id: 'mock-model', object: 'model', created: 1700000000, owned_by: 'mock' },
    { id: 'mock-model-large', object: 'model', created: 1700000000, owned_by: 'mock' },
  ],
};

export interface MockUpstreamOptions {
  /** keep every request in `requests` (default true; the benchmark turns it off) */
  record?: boolean;
}

export async function startMockUpstream(initial: MockBehavior = {}, options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const record = options.record !== false;
  const queue: MockBehavior[] = [];
  const abortWaiters: Array<() => void> = [];
  let server: Server;

  const mock: MockUpstream = {
    origin: '',
    baseUrl: '',
    requests: [],
    aborts: 0,
    behavior: initial,
    enqueue: (b) => void queue.push(b),
    usageFor(body) {
      const p = promptTokens(body);
      const c = 7;
      return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
    },
    waitForAborts(n, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (mock.aborts >= n) {
            clearTimeout(timer);
            resolve();
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => reject(new Error(`mock upstream saw ${mock.aborts} aborts, expected ${n}`)), timeoutMs);
        if (!check()) abortWaiters.push(() => void check());
      });
    },
    reset() {
      mock.requests.length = 0;
      mock.aborts = 0;
      queue.length = 0;
      mock.behavior = {};
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };

  const noteAbort = () => {
    mock.aborts++;
    for (const w of abortWaiters.splice(0)) w();
  };

  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(parts).toString('utf8');
      let body: any;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      if (record) mock.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, rawBody, body });
      const behavior = queue.shift() ?? mock.behavior;
      res.on('close', () => {
        if (!res.writableFinished) noteAbort();
      });
      handle(req, res, body, behavior);
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: any, b: MockBehavior): void {
    const path = (req.url ?? '/').split('?')[0];
    if (b.hang) return;
    if (b.fail) {
      const payload = JSON.stringify({ error: { message: b.failMessage ?? 'mock upstream failure', type: 'server_error', code: null } });
      res.writeHead(b.fail, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
      return;
    }
    if (req.method === 'GET' && path.endsWith('/models')) {
      const payload = JSON.stringify(b.models ?? DEFAULT_MODELS);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
      return;
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `mock: no route ${req.method} ${path}`, type: 'invalid_request_error' } }));
      return;
    }
    if (body?.stream) stream(res, body, b, req);
    else complete(res, body, b);
  }

  function usageObject(body: any, b: MockBehavior): Record<string, unknown> {
    const usage: Record<string, unknown> = { ...mock.usageFor(body) };
    if (b.cost !== undefined) usage.cost = b.cost;
    return usage;
  }

  function withUsage(chunk: Record<string, unknown>, body: any, b: MockBehavior): Record<string, unknown> {
    if (b.usageField === 'x_groq') return { ...chunk, x_groq: { id: 'req_mock', usage: usageObject(body, b) } };
    return { ...chunk, usage: usageObject(body, b) };
  }

  function complete(res: ServerResponse, body: any, b: MockBehavior): void {
    const content = b.content ?? 'Hello from the mock upstream.';
    const message = b.toolCalls
      ? {
          role: 'assistant',
          content: null,
          tool_calls: b.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } })),
        }
      : { role: 'assistant', content };
    let payload: Record<string, unknown> = {
      id: 'chatcmpl-mock',
      object: 'chat.completion',
      created: 1700000000,
      model: body?.model ?? 'mock-model',
      choices: [{ index: 0, message, finish_reason: b.toolCalls ? 'tool_calls' : 'stop', logprobs: null }],
    };
    if (b.usage !== 'none') payload = withUsage(payload, body, b);
    const text = JSON.stringify(payload);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': 'upstream-req-1' });
    res.end(text);
  }

  function stream(res: ServerResponse, body: any, b: MockBehavior, req: IncomingMessage): void {
    const nl = b.crlf ? '\r\n' : '\n';
    const base = { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1700000000, model: body?.model ?? 'mock-model' };
    const chunks: Record<string, unknown>[] = [];
    chunks.push({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    if (b.toolCalls) {
      b.toolCalls.forEach((t, i) => {
        const idx = b.omitToolCallIndex ? {} : { index: i };
        chunks.push({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ ...idx, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }, finish_reason: null }] });
        const half = Math.ceil(t.arguments.length / 2);
        for (const piece of [t.arguments.slice(0, half), t.arguments.slice(half)]) {
          chunks.push({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ ...idx, function: { arguments: piece } }] }, finish_reason: null }] });
        }
      });
    } else {
      const content = b.content ?? 'Hello from the mock upstream.';
      const pieces = b.chunks ? splitInto(content, b.chunks) : content.match(/\S+\s*/g) ?? [content];
      for (const piece of pieces) chunks.push({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
    }
    const mode = b.usage ?? 'last-chunk';
    const asked = body?.stream_options?.include_usage === true;
    let finish: Record<string, unknown> = { ...base, choices: [{ index: 0, delta: {}, finish_reason: b.toolCalls ? 'tool_calls' : 'stop' }] };
    if (mode === 'with-final-choice') finish = withUsage(finish, body, b);
    chunks.push(finish);
    if (mode === 'always' || (mode === 'last-chunk' && asked)) chunks.push(withUsage({ ...base, choices: [] }, body, b));

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let i = 0;
    const delay = b.chunkDelayMs ?? 0;
    const next = () => {
      if (res.destroyed) return;
      if (b.failAfterChunks !== undefined && i >= b.failAfterChunks) {
        res.socket?.destroy();
        return;
      }
      if (b.hangAfterChunks !== undefined && i >= b.hangAfterChunks) return;
      if (b.streamError && i >= b.streamError.afterChunks) {
        const auth = [req.headers.authorization, req.headers['api-key'], req.headers['x-api-key']].filter(Boolean).join(' ');
        const error = { error: { message: b.streamError.message.replaceAll('{auth}', auth), type: 'server_error', code: null } };
        res.end(`${b.streamError.as === 'data' ? '' : `event: error${nl}`}data: ${JSON.stringify(error)}${nl}${nl}`);
        return;
      }
      if (i >= chunks.length) {
        res.end(`data: [DONE]${nl}${nl}`);
        return;
      }
      if (b.keepAlive) res.write(`: keep-alive${nl}${nl}`);
      res.write(`data: ${JSON.stringify(chunks[i++])}${nl}${nl}`);
      if (delay > 0) setTimeout(next, delay);
      else setImmediate(next);
    };
    next();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.keepAliveTimeout = 60_000;
  const { port } = server.address() as AddressInfo;
  mock.origin = `http://127.0.0.1:${port}`;
  mock.baseUrl = `${mock.origin}/v1`;
  return mock;
}

function splitInto(text: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
