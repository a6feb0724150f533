import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startHost, type Host } from './fixtures/router/harness.js';

const GIB = 1024 ** 3;
/** Allowed growth of this process's RSS (router + client) while 1 GiB flows through it. */
const RSS_BUDGET = 200 * 1024 ** 2;

describe('large responses stream through without buffering', () => {
  let host: Host;
  before(async () => {
    host = await startHost('node:http');
  });
  after(() => host?.close());

  test('1 GiB download: every byte arrives and the host stays flat in memory', { timeout: 120_000 }, async () => {
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
    try {
      const received = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: host.port, path: `/api/bytes?n=${GIB}`, agent: false }, (res) => {
          assert.equal(res.headers['content-length'], String(GIB));
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => resolve(bytes));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(received, GIB);
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - baseline;
    assert.ok(growth < RSS_BUDGET, `RSS grew by ${(growth / 1024 ** 2).toFixed(0)} MiB while streaming 1 GiB`);
  });
});
