/** The server under benchmark, in its own process. Prints `{"url": ...}` on stdout. */
import { startToxiproxyServer } from '../../src/index.js';

const server = await startToxiproxyServer({ port: 0, seed: 1 });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
