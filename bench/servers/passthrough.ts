// Benchmark child process: a bare Fastify + undici pass-through (no auth, no compression, no
// billing, no logging) — the reference for what any Node gateway can reach on this machine in the
// same run, so the gateway's own cost can be told apart from machine load.
import Fastify from 'fastify';
import { Agent } from 'undici';
import type { AddressInfo } from 'node:net';
import { profile } from './profile.js';

const upstream = new URL(process.env.BENCH_UPSTREAM!);
const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });
const app = Fastify({ logger: false });
app.removeContentTypeParser(['application/json']);
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.post('/v1/chat/completions', async (request, reply) => {
  const res = await agent.request({
    origin: upstream.origin,
    path: `${upstream.pathname}/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
    body: request.body as string,
  });
  reply.code(res.statusCode).header('content-type', String(res.headers['content-type']));
  return reply.send(res.body);
});
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as AddressInfo;
process.send?.({ ready: true, url: `http://127.0.0.1:${port}` });
process.on('message', (msg: { cmd?: string; id?: number }) => {
  if (msg.cmd === 'profile-start' || msg.cmd === 'profile-stop') {
    void profile('bare', msg.cmd).then(() => process.send?.({ id: msg.id }));
  } else if (msg.cmd === 'cpu') {
    const c = process.cpuUsage();
    process.send?.({ id: msg.id, cpuMicros: c.user + c.system });
  } else if (msg.cmd === 'stop') void app.close().then(() => process.exit(0));
});
