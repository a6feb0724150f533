// The api micro. Space strips the micro path, so this server sees /hello, not /api/hello.
import http from 'node:http';
import express from 'express';
import { WebSocketServer } from 'ws';

const app = express();

app.get('/hello', (req, res) => {
  res.json({ micro: process.env.DETA_SPACE_APP_MICRO_NAME, path: req.url, message: 'hello from the api micro' });
});

const server = http.createServer(app);
const sockets = new WebSocketServer({ server, path: '/echo' });
sockets.on('connection', (socket) => {
  socket.on('message', (data) => socket.send(`echo: ${data}`));
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log(`api listening on 127.0.0.1:${process.env.PORT}`);
});
