/**
 * Our server behind `toxiproxy-server`'s command line (`-host H -port N`, also `--port=N`), so it can
 * stand in for a real binary where none is installed: the tests run the benchmark's real-server code
 * path against it through a small executable wrapper.
 */
import { startToxiproxyServer } from '../../src/index.js';

/** Reads Go-style flags (`-name value`, `--name value`, `-name=value`). */
function flags(args: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const match = /^--?([^=]+)(?:=(.*))?$/.exec(args[i]!);
    if (!match) continue;
    out.set(match[1]!, match[2] ?? args[++i] ?? '');
  }
  return out;
}

const given = flags(process.argv.slice(2));
const server = await startToxiproxyServer({
  host: given.get('host') ?? 'localhost',
  port: Number(given.get('port') ?? 8474),
  seed: 1,
});
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
