// Load generator, run in a worker thread so the client does not share an event loop with the
// proxy being measured (a browser never does). Plain JS: workers do not inherit tsx's loader.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const REQUEST_TIMEOUT_MS = 30_000;

/** One GET; resolves with the body length, rejects on a non-200, an error or a stall. */
function get(url, agent) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${url}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

/** `count` GETs spread over `concurrency` keep-alive connections. */
async function run({ url, count, concurrency, expectBytes }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let started = 0;
  let bytes = 0;
  const lane = async () => {
    while (started < count) {
      started++;
      const length = await get(url, agent);
      if (length !== expectBytes) throw new Error(`${url}: expected ${expectBytes} bytes, got ${length}`);
      bytes += length;
    }
  };
  const begin = performance.now();
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    agent.destroy();
  }
  return { seconds: (performance.now() - begin) / 1000, requests: count, bytes };
}

run(workerData).then(
  (result) => parentPort.postMessage({ result }),
  (error) => parentPort.postMessage({ error: String(error?.stack ?? error) }),
);
