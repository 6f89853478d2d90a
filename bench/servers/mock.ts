// Benchmark child process: the mock upstream on a loopback port (not recording requests), so it
// does not share an event loop with the gateway. Reports its base URL over IPC.
import { startMockUpstream } from '../../test/helpers/mock-upstream.js';

const mock = await startMockUpstream({ content: 'The answer is 42. It appears in item 7 of the data.' }, { record: false });
process.send?.({ ready: true, baseUrl: mock.baseUrl });
process.on('message', (msg: { cmd?: string }) => {
  if (msg.cmd === 'stop') void mock.close().then(() => process.exit(0));
});
