// The ~900-token chat prompt of the gateway benchmarks (gateway.bench.ts, compare.ts): prose with
// hedges and fillers, a pretty-printed JSON table of service health, log lines with errors, and a
// question. `incident` (when given) opens the user's prose, inside the compressed text: a
// different value on every request makes every request a cache miss of the engine.
export function prompt1k(incident?: string): { messages: { role: string; content: string }[] } {
  const rows = Array.from({ length: 12 }, (_, i) => ({
    id: 1000 + i,
    service: ['billing', 'search', 'auth', 'email'][i % 4],
    status: i % 9 === 0 ? 'degraded' : 'ok',
    p95_ms: 80 + ((i * 37) % 300),
    region: i % 2 ? 'eu-west-1' : 'us-east-1',
  }));
  const logs = Array.from({ length: 10 }, (_, i) =>
    i % 5 === 4
      ? `2025-03-0${1 + (i % 9)}T10:0${i % 10}:00Z ERROR search: upstream timeout after 3000 ms (shard ${i})`
      : `2025-03-0${1 + (i % 9)}T10:0${i % 10}:00Z INFO  search: request served in ${40 + i} ms`,
  );
  const prose =
    (incident === undefined ? '' : `Incident ${incident}: `) +
    'We migrated the search cluster last week. Honestly, the migration was basically fine for the most part, although, as you may know, ' +
    'there were a few small hiccups that we really should probably look into at some point. The on-call engineer noted that the ' +
    'degraded services seem to correlate with the eu-west-1 region, but it is not entirely clear whether that is actually the case. ';
  return {
    messages: [
      { role: 'system', content: 'You are an SRE assistant. Answer briefly and cite ids.' },
      { role: 'user', content: `${prose}\n\nService health:\n${JSON.stringify(rows, null, 2)}\n\nRecent logs:\n${logs.join('\n')}\n\nWhich services are degraded, and is the search timeout related to the region?` },
    ],
  };
}

/** A request body with the prompt whose incident number is `n` (a unique prompt per n). */
export function uniqueBodies(model: string): (n: number) => string {
  const MARK = 'INCIDENTNUMBERMARK';
  const [head, tail] = JSON.stringify({ model, ...prompt1k(MARK) }).split(MARK);
  return (n: number) => `${head}${1_000_000 + n}${tail}`;
}
