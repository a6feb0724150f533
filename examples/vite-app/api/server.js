// The api micro: plain node:http, as Space ran it. It receives paths with /api stripped.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const users = [
  { id: 1, name: 'Ada' },
  { id: 2, name: 'Grace' },
];

const server = createServer((req, res) => {
  if (req.url === '/users' || req.url?.startsWith('/users?')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ users, path: req.url, accept: req.headers.accept ?? null, micro: process.env.DETA_SPACE_APP_MICRO_NAME }));
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end(`api: no route for ${req.url}\n`);
});

// Echo socket at /api/ws, to show micro websockets share the Vite origin with Vite's HMR socket.
const sockets = new WebSocketServer({ server, path: '/ws' });
sockets.on('connection', (socket, req) => {
  socket.send(`api saw ${req.url}`);
  socket.on('message', (data) => socket.send(`echo: ${data}`));
});

server.listen(Number(process.env.PORT), () => console.log(`api listening on ${process.env.PORT}`));
