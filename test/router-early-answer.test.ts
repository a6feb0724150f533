import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { FIXTURES, startHost, type Host } from './fixtures/router/harness.js';

const EARLY = `${FIXTURES}/early-answer`;
/** Far more than the socket buffers between client and micro hold, so the micro surely answers first. */
const UPLOAD = 32 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');

interface Answer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

interface Exchange {
  upload: Answer;
  /** Bytes of the upload the client had written when the upload's answer arrived. */
  writtenBeforeAnswer: number;
  next: Answer;
}

/**
 * An upload of UPLOAD bytes on a new connection, written the way curl and browsers do: the body
 * keeps going out while answers are read. Once all of it is written, a GET for `next` follows on
 * the same connection. Rejects if the connection ends or fails before both answers arrived.
 */
function uploadThenGet(port: number, path: string, next: string, framing: 'length' | 'chunked' = 'length'): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const answers: Answer[] = [];
    let received = Buffer.alloc(0);
    let written = 0;
    let writtenBeforeAnswer = -1;

    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(`${path}: ${why} after ${written} of ${UPLOAD} bytes; answers so far: ${JSON.stringify(answers)}`));
    };
    socket.on('error', (error) => fail(`connection failed (${error.message})`));
    socket.on('end', () => fail('the router closed the connection'));
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      for (let answer = parseAnswer(received); answer; answer = parseAnswer(received)) {
        received = received.subarray(answer.length);
        answers.push(answer.answer);
        if (answers.length === 1) writtenBeforeAnswer = written;
      }
      if (answers.length === 2) {
        socket.destroy();
        resolve({ upload: answers[0]!, writtenBeforeAnswer, next: answers[1]! });
      }
    });

    const framingHeader = framing === 'length' ? `Content-Length: ${UPLOAD}` : 'Transfer-Encoding: chunked';
    socket.write(`PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n${framingHeader}\r\n\r\n`);
    const pump = () => {
      while (written < UPLOAD) {
        written += CHUNK.length;
        const piece = framing === 'length' ? CHUNK : Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]);
        if (!socket.write(piece)) return void socket.once('drain', pump);
      }
      socket.write(`${framing === 'chunked' ? '0\r\n\r\n' : ''}GET ${next} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    };
    pump();
  });
}

/** The first complete response in `data` (every answer here carries Content-Length). */
function parseAnswer(data: Buffer): { answer: Answer; length: number } | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine, ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length']);
  if (!Number.isInteger(length)) throw new Error(`an answer without Content-Length: ${statusLine}`);
  if (data.length < headEnd + 4 + length) return undefined;
  const body = data.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
  return { answer: { status: Number(statusLine!.split(' ')[1]), headers, body }, length: headEnd + 4 + length };
}

describe('a micro that answers an upload before reading it', () => {
  let host: Host;
  before(async () => {
    host = await startHost('express5', {}, {}, EARLY);
  });
  after(() => host?.close());

  const refused = (micro: 'node' | 'py', body: string) => ({
    status: 413,
    type: 'text/plain',
    micro,
    length: String(Buffer.byteLength(body)),
    body,
  });

  const cases = [
    {
      name: 'Node, answering with Connection: close (the micro resets the connection over the unread body)',
      path: '/close',
      next: '/after',
      expected: refused('node', 'upload refused: 413\n'),
      nextBody: 'ok GET /after 0\n',
    },
    {
      name: 'Node, destroying the socket once the answer is written',
      path: '/destroy',
      next: '/after',
      expected: refused('node', 'upload refused: 413\n'),
      nextBody: 'ok GET /after 0\n',
    },
    {
      name: "Python's http.server, closing the connection with the body unread",
      path: '/py/upload',
      next: '/py/after',
      expected: refused('py', 'upload refused by python: 413\n'),
      nextBody: 'ok GET /after\n',
    },
    {
      name: 'Node, reading and discarding the rest of the body on a kept-alive connection',
      path: '/discard',
      next: '/after',
      expected: refused('node', 'upload refused: 413\n'),
      nextBody: 'ok GET /after 0\n',
    },
  ];

  for (const { name, path, next, expected, nextBody } of cases) {
    test(`${name}: the client gets the micro's answer, the rest of the upload is discarded and the connection serves the next request`, async () => {
      const exchange = await uploadThenGet(host.port, path, next);
      assert.equal(exchange.upload.status, expected.status, exchange.upload.body);
      assert.equal(exchange.upload.body, expected.body);
      assert.equal(exchange.upload.headers['content-type'], expected.type);
      assert.equal(exchange.upload.headers['content-length'], expected.length);
      assert.equal(exchange.upload.headers['x-micro'], expected.micro);
      // The micro's `Connection: close` describes its own connection, not the client's.
      assert.equal(exchange.upload.headers.connection, 'keep-alive');
      assert.ok(exchange.writtenBeforeAnswer < UPLOAD, `the answer came only after all ${UPLOAD} bytes were written`);
      assert.equal(exchange.next.status, 200);
      assert.equal(exchange.next.body, nextBody);
    });
  }

  test('a chunked upload answered early by a micro that closes: the answer, then the next request on the same connection', async () => {
    const exchange = await uploadThenGet(host.port, '/close', '/after', 'chunked');
    assert.equal(exchange.upload.status, 413);
    assert.equal(exchange.upload.body, 'upload refused: 413\n');
    assert.equal(exchange.next.status, 200);
    assert.equal(exchange.next.body, 'ok GET /after 0\n');
  });

  test('after early answers the micro still gets whole uploads: no broken connection was kept for reuse', async () => {
    for (const path of ['/close', '/discard', '/destroy']) await uploadThenGet(host.port, path, '/after');
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(host.port, '127.0.0.1');
      let received = Buffer.alloc(0);
      socket.on('error', reject);
      socket.on('data', (data: Buffer) => {
        received = Buffer.concat([received, data]);
        const answer = parseAnswer(received);
        if (answer) {
          socket.destroy();
          resolve(`${answer.answer.status} ${answer.answer.body}`);
        }
      });
      socket.write('POST /whole HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello');
    });
    assert.equal(reply, '200 ok POST /whole 5\n');
  });
});
