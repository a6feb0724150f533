// The micro every benchmark target ends at: a tiny body, and a 20 MiB body streamed in 64 KiB
// chunks with backpressure (so the measurement is the proxy's streaming, not buffering).
import http from 'node:http';

const SMALL = Buffer.from('hello from upstream\n');
const CHUNK = Buffer.alloc(64 * 1024, 'x');
const STREAM_BYTES = 20 * 1024 * 1024;

const server = http.createServer((req, res) => {
  if (req.url === '/small') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': SMALL.length });
    res.end(SMALL);
    return;
  }
  if (req.url === '/stream') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    let sent = 0;
    const pump = () => {
      while (sent < STREAM_BYTES) {
        sent += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});

server.listen(Number(process.env.PORT), '127.0.0.1');
