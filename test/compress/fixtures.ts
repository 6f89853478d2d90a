// Hand-written multi-turn conversations for the engine's tests (not eval data): an agent session
// with tool outputs, a RAG prompt, logs pasted by a user, a JSON tool result repeated later, a
// markdown/HTML page, a transcript, and content-part arrays with images.
import type { ChatMessage } from '../../src/compress/types.js';

const para = (topic: string, n: number): string =>
  Array.from({ length: n }, (_, i) =>
    `The ${topic} report section ${i + 1} explains that the committee reviewed the proposal in detail and, after a long discussion about budgets and timelines, agreed to revisit the matter at a later meeting.`,
  ).join(' ');

const logLines = (): string => {
  const out: string[] = [];
  for (let i = 0; i < 60; i++) {
    const s = String(10 + (i % 50)).padStart(2, '0');
    out.push(`2024-03-05 14:22:${s},${100 + i} INFO  [worker-${i % 4}] request handled path=/api/v1/items/${1000 + i} status=200 latency_ms=${12 + (i % 7)}`);
    if (i === 33) out.push(`2024-03-05 14:22:${s},999 ERROR [worker-1] upstream timeout after 30000 ms calling payments-service (ECONNRESET)`);
    if (i === 41) {
      out.push(`2024-03-05 14:22:${s},500 WARN  [worker-2] retrying request id=req_8f3a2 attempt=2`);
      out.push('java.lang.IllegalStateException: pool exhausted');
      out.push('    at com.example.pool.ConnectionPool.acquire(ConnectionPool.java:88)');
      out.push('    at com.example.api.ItemsController.get(ItemsController.java:41)');
    }
  }
  return out.join('\n');
};

const repos = JSON.stringify(
  Array.from({ length: 25 }, (_, i) => ({
    id: 515435000 + i,
    name: `service-${i}`,
    full_name: `acme/service-${i}`,
    private: i % 3 === 0,
    html_url: `https://github.com/acme/service-${i}`,
    created_at: `2023-0${1 + (i % 9)}-1${i % 10}T10:00:00Z`,
    stargazers_count: i * 7,
  })),
  null,
  2,
);

const codeFile = `import os
from typing import Optional


def load_config(path: str, env: Optional[dict] = None) -> dict:
    """Read a config file and overlay environment variables."""
    env = env or dict(os.environ)
    with open(path, "r", encoding="utf-8") as fh:
        data = parse(fh.read())
    for key, value in env.items():
        if key.startswith("APP_"):
            data[key[4:].lower()] = value
    return data


class RetryPolicy:
    def __init__(self, attempts: int = 3, backoff_ms: int = 250):
        self.attempts = attempts
        self.backoff_ms = backoff_ms

    def delays(self):
        return [self.backoff_ms * (2 ** i) for i in range(self.attempts)]
`;

export const agentSession: ChatMessage[] = [
  { role: 'system', content: 'You are a coding agent. Use the tools to inspect the repository.' },
  { role: 'user', content: 'The service crashes on startup with KeyError: APP_PORT. Can you look at src/config.py and tell me why?' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/config.py"}' } }] },
  { role: 'tool', tool_call_id: 'call_1', content: codeFile },
  { role: 'assistant', content: 'The loader lower-cases keys after stripping the APP_ prefix, so APP_PORT becomes `port`.' },
  { role: 'user', content: `Here are the logs from the last run:\n\n${logLines()}\n\nWhich request failed and why?` },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'list_repos', arguments: '{"org":"acme"}' } }] },
  { role: 'tool', tool_call_id: 'call_2', content: repos },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/config.py"}' } }] },
  { role: 'tool', tool_call_id: 'call_3', content: codeFile },
  { role: 'user', content: 'Thanks. Which repository has id 515435007 and when was it created?' },
];

export const ragPrompt: ChatMessage[] = [
  { role: 'system', content: 'Answer the question using the provided documents.' },
  {
    role: 'user',
    content:
      `Document [1] (Title: Harbor Bridge) ${para('engineering', 6)} The Harbor Bridge opened on 14 March 1932 and cost $9.5 million. Its main span is 503 m long.\n\n` +
      `Document [2] (Title: City Council) ${para('council', 8)} The council did not approve the second tunnel.\n\n` +
      `Document [3] (Title: Ferry Services) ${para('transport', 7)} Ferries carry about 14,000 passengers per day between the two piers.\n\n` +
      'Question: when did the Harbor Bridge open and how long is its main span?',
  },
];

export const transcript: ChatMessage[] = [
  { role: 'system', content: 'Summarise meetings.' },
  {
    role: 'user',
    content:
      'Meeting transcript (excerpt):\n' +
      Array.from({ length: 30 }, (_, i) =>
        i === 17
          ? 'Marketing: Um, I think the remote should have uh changeable covers in five colours, you know, and a rubber grip.'
          : i % 3 === 0
            ? 'Project Manager: Okay . Yeah . {vocalsound}'
            : `Industrial Designer: Uh we we looked at the battery options again and um the cheaper cell lasts about ${i} weeks.`,
      ).join('\n') +
      '\n\nQuestion: What did Marketing propose for the covers?',
  },
];

export const markdownPage: ChatMessage[] = [
  {
    role: 'user',
    content:
      '# Release notes\n\n**Version 2.4.0** adds __streaming__ support.\n\n---\n\n| Flag | Default | Meaning |\n|------|---------|---------|\n| `--retries` | 3 | how many attempts |\n| `--timeout` | 30s | per request |\n\n<p>See <a href="https://example.com/docs/streaming">the streaming guide</a> for details.</p>\n\nWhat changed in 2.4.0?',
  },
];

export const multiPart: ChatMessage[] = [
  {
    role: 'user',
    content: [
      { type: 'text', text: `Context:\n${para('vision', 10)}\n\nWhat is in the picture compared with the report?` },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
      { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
      { type: 'mystery', payload: { a: [1, 2, 3] } },
    ],
    name: 'alice',
  },
];

export const allFixtures: Record<string, ChatMessage[]> = { agentSession, ragPrompt, transcript, markdownPage, multiPart };
