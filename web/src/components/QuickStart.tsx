// "How do I call this?" — curl and OpenAI-SDK snippets pointed at this gateway's base URL.
// Shown in empty states and after a key is created.
import { useState } from 'react';
import { CopyButton } from './CopyButton';

type Lang = 'curl' | 'python' | 'node';

function snippet(lang: Lang, baseUrl: string, key: string, model: string): string {
  const v1 = `${baseUrl.replace(/\/$/, '')}/v1`;
  switch (lang) {
    case 'curl':
      return `curl ${v1}/chat/completions \\
  -H "Authorization: Bearer ${key}" \\
  -H "Content-Type: application/json" \\
  -d '{
    "model": "${model}",
    "messages": [{"role": "user", "content": "Hello!"}]
  }'`;
    case 'python':
      return `from openai import OpenAI

client = OpenAI(base_url="${v1}", api_key="${key}")
reply = client.chat.completions.create(
    model="${model}",
    messages=[{"role": "user", "content": "Hello!"}],
)
print(reply.choices[0].message.content)`;
    case 'node':
      return `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${v1}', apiKey: '${key}' });
const reply = await client.chat.completions.create({
  model: '${model}',
  messages: [{ role: 'user', content: 'Hello!' }],
});
console.log(reply.choices[0].message.content);`;
  }
}

export function QuickStart({ baseUrl, apiKey = 'sk-occ-YOUR_KEY', model = 'gpt-4o-mini' }: { baseUrl: string; apiKey?: string; model?: string }) {
  const [lang, setLang] = useState<Lang>('curl');
  const code = snippet(lang, baseUrl, apiKey, model);
  return (
    <div className="snippet">
      <div className="snippet-head">
        <div className="tabs" role="tablist">
          {(['curl', 'python', 'node'] as Lang[]).map((l) => (
            <button key={l} type="button" role="tab" aria-selected={lang === l} className={lang === l ? 'tab active' : 'tab'} onClick={() => setLang(l)}>
              {l === 'curl' ? 'curl' : l === 'python' ? 'Python' : 'Node.js'}
            </button>
          ))}
        </div>
        <CopyButton value={code} />
      </div>
      <pre className="code">
        <code>{code}</code>
      </pre>
    </div>
  );
}
