// The api micro: plain node:http. It receives paths with /api stripped, as on Space.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const server = createServer((req, res) => {
  if (req.url === '/hello') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `hello from the ${process.env.DETA_SPACE_APP_MICRO_NAME} micro`, path: req.url }));
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end(`api: no route for ${req.url}\n`);
});

// Echo socket at /api/ws: it shares the origin with Next's own HMR socket.
const sockets = new WebSocketServer({ server, path: '/ws' });
sockets.on('connection', (socket, req) => {
  socket.send(`api saw ${req.url}`);
  socket.on('message', (data) => socket.send(`echo: ${data}`));
});

server.listen(Number(process.env.PORT), () => console.log(`api listening on ${process.env.PORT}`));
