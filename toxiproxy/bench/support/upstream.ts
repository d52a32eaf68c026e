/**
 * Benchmark upstreams, run in their own process so they do not share an event loop with the proxy:
 * a small HTTP server (`ok`) and a TCP sink that reads a declared number of bytes, then answers one
 * byte. Prints `{"http": port, "sink": port}` on stdout.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';

const http = createHttpServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '2' });
  res.end('ok');
});
http.keepAliveTimeout = 60_000;

/** Sink protocol: 8 bytes (big-endian length N), then N bytes; the sink answers `!` once all arrived. */
const sink = createServer({ noDelay: true }, (socket) => {
  let expected = -1;
  let received = 0;
  let header = Buffer.alloc(0);
  socket.on('data', (data: Buffer) => {
    if (expected < 0) {
      header = Buffer.concat([header, data]);
      if (header.length < 8) return;
      expected = Number(header.readBigUInt64BE(0));
      received = header.length - 8;
    } else {
      received += data.length;
    }
    if (received >= expected) socket.write('!');
  });
  socket.on('error', () => undefined);
});

http.listen(0, '127.0.0.1', () => {
  sink.listen(0, '127.0.0.1', () => {
    const ports = { http: (http.address() as AddressInfo).port, sink: (sink.address() as AddressInfo).port };
    process.stdout.write(`${JSON.stringify(ports)}\n`);
  });
});
