import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { FIXTURES, quietLogger, send, startHost, type Host } from './fixtures/router/harness.js';

const EDGE = `${FIXTURES}/edge`;

/** What the edge micro reports: the exact bytes of the body it received, and its headers. */
interface Seen {
  micro: string;
  url: string;
  headers: Record<string, string>;
  bodyHex: string;
}

async function post(port: number, contentType: string, body: Buffer | string): Promise<Seen> {
  const reply = await send(port, '/upload', { method: 'POST', headers: { 'content-type': contentType, accept: 'application/json' }, body });
  assert.equal(reply.status, 200, reply.body);
  return JSON.parse(reply.body) as Seen;
}

const hex = (body: Buffer | string) => Buffer.from(body).toString('hex');

describe('bodies parsed by express.text(), urlencoded() and json({strict: false}) before the router', () => {
  let host: Host;
  const warnings: string[] = [];
  before(async () => {
    host = await startHost(
      'express5',
      { only: ['main'], logger: { ...quietLogger, warn: (line: string) => warnings.push(line) } },
      { before: [express.text(), express.urlencoded({ extended: false, interpretNumericEntities: true }), express.json({ strict: false })] },
      EDGE,
    );
  });
  after(() => host?.close());

  test('text in a charset Buffer can write (latin1, utf-16le) is re-sent in that charset, byte for byte', async () => {
    const latin1 = Buffer.from([0x68, 0xe9]);
    const got = await post(host.port, 'text/plain; charset=iso-8859-1', latin1);
    assert.equal(got.bodyHex, '68e9');
    assert.equal(got.headers['content-type'], 'text/plain; charset=iso-8859-1');
    assert.equal(got.headers['content-length'], '2');

    const utf16 = Buffer.from('h\u00e9 \u20ac', 'utf16le');
    const wide = await post(host.port, 'text/plain; charset=UTF-16LE', utf16);
    assert.equal(wide.bodyHex, hex(utf16));
    assert.equal(wide.headers['content-type'], 'text/plain; charset=UTF-16LE');
  });

  test('text in a charset Buffer cannot write is re-sent as UTF-8 and says so in its charset', async () => {
    // 0x80 is the euro sign in windows-1252.
    const got = await post(host.port, 'text/plain; charset=windows-1252', Buffer.from([0x80, 0x31]));
    assert.equal(got.bodyHex, hex('\u20ac1'));
    assert.equal(got.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(got.headers['content-length'], '4');
  });

  test('a latin1 form is re-encoded in latin1; a value latin1 cannot hold switches the form to UTF-8', async () => {
    const latin1 = await post(host.port, 'application/x-www-form-urlencoded; charset=iso-8859-1', 'a=%E9&b=x');
    assert.equal(Buffer.from(latin1.bodyHex, 'hex').toString('latin1'), 'a=%E9&b=x');
    assert.equal(latin1.headers['content-type'], 'application/x-www-form-urlencoded; charset=iso-8859-1');

    // Browsers send a character the form's charset lacks as an HTML entity, which qs turns back into
    // the character: the euro sign has no latin1 byte.
    const euro = await post(host.port, 'application/x-www-form-urlencoded; charset=iso-8859-1', 'a=%26%238364%3B&b=%E9');
    assert.equal(Buffer.from(euro.bodyHex, 'hex').toString('latin1'), 'a=%E2%82%AC&b=%C3%A9');
    assert.equal(euro.headers['content-type'], 'application/x-www-form-urlencoded; charset=utf-8');
  });

  for (const json of ['"hi"', '42', 'null', 'false', '"42"', '"{\\"a\\":1}"', '[1,"x",null]', '{"a":{"b":[true]}}']) {
    test(`the JSON value ${json} reaches the micro as the same JSON text`, async () => {
      const got = await post(host.port, 'application/json', json);
      assert.equal(Buffer.from(got.bodyHex, 'hex').toString('utf8'), json);
      assert.equal(got.headers['content-length'], String(Buffer.byteLength(json)));
    });
  }

  test('JSON declared as UTF-16LE is re-sent in UTF-16LE', async () => {
    const body = Buffer.from('{"name":"caf\u00e9"}', 'utf16le');
    const got = await post(host.port, 'application/json; charset=utf-16le', body);
    assert.equal(got.bodyHex, hex(body));
  });

  test('an integer beyond 2^53 cannot be restored after express.json(): re-sent as parsed, with a warning naming micro and path', async () => {
    warnings.length = 0;
    const got = await post(host.port, 'application/json', '{"id":12345678901234567890,"ok":1}');
    assert.equal(Buffer.from(got.bodyHex, 'hex').toString('utf8'), '{"id":12345678901234567000,"ok":1}');
    assert.deepEqual(warnings, [
      'space-router: POST /upload for micro "main": the JSON body was parsed before the router and holds ' +
        'integers beyond 2^53 (12345678901234567000), which lost precision in JavaScript numbers. ' +
        'Mount spaceRouter before express.json() to forward request bodies byte for byte.',
    ]);
    await post(host.port, 'application/json', '{"id":9007199254740991}');
    assert.equal(warnings.length, 1);
  });
});

describe('a body express.text({type: "*/*"}) decoded as text', () => {
  let host: Host;
  before(async () => {
    host = await startHost('express5', { only: ['main'] }, { before: [express.text({ type: '*/*' })] }, EDGE);
  });
  after(() => host?.close());

  test('JSON read as text is re-sent as the same text, not as a JSON string', async () => {
    for (const json of ['{ "a" : 1 }', '"hi"', '42']) {
      const got = await post(host.port, 'application/json', json);
      assert.equal(Buffer.from(got.bodyHex, 'hex').toString('utf8'), json);
    }
  });

  for (const [name, contentType, body] of [
    [
      'a binary multipart upload',
      'multipart/form-data; boundary=XX',
      Buffer.concat([
        Buffer.from('--XX\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n'),
        Buffer.from([0xff, 0xfe, 0x00, 0x80]),
        Buffer.from('\r\n--XX--\r\n'),
      ]),
    ],
    ['a binary upload', 'application/octet-stream', Buffer.from([0x00, 0x01, 0xff])],
    ['text that is not valid in its charset', 'text/plain; charset=utf-8', Buffer.from([0x61, 0xff, 0x62])],
  ] as const) {
    test(`${name} decoded to a string is refused with the consumed-body error, never sent corrupted`, async () => {
      const reply = await send(host.port, '/upload', { method: 'POST', headers: { 'content-type': contentType, accept: 'application/json' }, body });
      assert.equal(reply.status, 500);
      const { error } = JSON.parse(reply.body);
      assert.equal(error.code, 'request_body_consumed');
      assert.equal(error.micro.name, 'main');
      assert.match(error.message, new RegExp(`read this ${contentType.split(';')[0]} body`));
      assert.match(error.message, /Mount spaceRouter before body parsers/);
    });
  }
});
