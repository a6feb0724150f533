/**
 * `npm run bench`: requests through spaceRouter vs straight to the micro vs a bare
 * http-proxy-middleware host, in one run on one machine, so the ratios mean something.
 *
 * All three end at the same micro process. The router and the bare proxy each run on a plain
 * node:http server in this process; the load generator runs in a worker thread.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { spaceRouter } from 'space-router';

const SMALL = { count: 3000, concurrency: 32, warmup: 300, bytes: 'hello from upstream\n'.length };
const STREAM = { iterations: 10, bytes: 20 * 1024 * 1024 };
const ROUNDS = 3;
const TARGETS = { small: 0.2, stream: 0.6 };
const BENCH_TIMEOUT_MS = 300_000;

type Target = 'direct' | 'router' | 'hpm';
interface LoadResult {
  seconds: number;
  requests: number;
  bytes: number;
}

function load(job: { url: string; count: number; concurrency: number; expectBytes: number }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: job });
    worker.once('message', (message: { result?: LoadResult; error?: string }) => {
      if (message.result) resolve(message.result);
      else reject(new Error(message.error));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load worker exited with code ${code} before answering`)));
  });
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const logLines: string[] = [];
const quiet = { info: (line: string) => logLines.push(line), warn: (line: string) => logLines.push(line), error: (line: string) => logLines.push(line) };

const router = spaceRouter(fileURLToPath(new URL('./app/Spacefile', import.meta.url)), { logger: quiet });
const routerHost = http.createServer(router);
router.attach(routerHost);
let hpmHost: http.Server | undefined;

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${BENCH_TIMEOUT_MS / 1000} s, giving up`);
  void shutdown().finally(() => process.exit(1));
}, BENCH_TIMEOUT_MS);
watchdog.unref();

async function shutdown(): Promise<void> {
  await Promise.all([closeServer(routerHost), hpmHost ? closeServer(hpmHost) : undefined]);
  await router.close();
}

try {
  const routerPort = await listen(routerHost);
  await router.ready();
  const upstream = router.micros.find((micro) => micro.name === 'upstream');
  if (!upstream?.port) throw new Error(`bench: the upstream micro has no port: ${JSON.stringify(router.micros)}`);
  const direct = `http://127.0.0.1:${upstream.port}`;
  // What a user would write by hand: no agent option, so each proxied request opens a new
  // upstream connection.
  hpmHost = http.createServer(createProxyMiddleware({ target: direct }));
  const hpmPort = await listen(hpmHost);

  const base: Record<Target, string> = {
    direct,
    router: `http://127.0.0.1:${routerPort}/up`,
    hpm: `http://127.0.0.1:${hpmPort}`,
  };
  const order: Target[] = ['direct', 'router', 'hpm'];
  const best = { small: {} as Record<Target, number>, stream: {} as Record<Target, number> };

  for (const target of order) {
    await load({ url: `${base[target]}/small`, count: SMALL.warmup, concurrency: SMALL.concurrency, expectBytes: SMALL.bytes });
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so no target always runs first on a warm or a busy machine.
    const rotated = [...order.slice(round % 3), ...order.slice(0, round % 3)];
    for (const target of rotated) {
      const small = await load({ url: `${base[target]}/small`, count: SMALL.count, concurrency: SMALL.concurrency, expectBytes: SMALL.bytes });
      best.small[target] = Math.max(best.small[target] ?? 0, small.requests / small.seconds);
      const stream = await load({ url: `${base[target]}/stream`, count: STREAM.iterations, concurrency: 1, expectBytes: STREAM.bytes });
      best.stream[target] = Math.max(best.stream[target] ?? 0, stream.bytes / 1024 / 1024 / stream.seconds);
    }
  }

  printTable(best);
  // A verdict, not an exit code: one busy neighbour on a 2-core box moves these ratios by 0.1x.
  const verdicts = (['small', 'stream'] as const).map((kind) => {
    const value = best[kind].router / best[kind].direct;
    return `${kind} ${value >= TARGETS[kind] ? 'meets' : 'BELOW'} target (${value.toFixed(2)}x vs ${TARGETS[kind].toFixed(2)}x)`;
  });
  console.log(`\nrouter: ${verdicts.join('; ')}`);
} catch (error) {
  console.error(error);
  if (logLines.length) console.error(`micro logs:\n${logLines.slice(-20).join('\n')}`);
  process.exitCode = 1;
} finally {
  await shutdown();
  clearTimeout(watchdog);
}

function printTable(best: { small: Record<Target, number>; stream: Record<Target, number> }): void {
  const rows = [
    ['', 'direct', 'router', 'hpm', 'router/direct', 'hpm/direct', 'target'],
    [
      `small GET, ${SMALL.count} req x${SMALL.concurrency} (req/s)`,
      ...(['direct', 'router', 'hpm'] as const).map((t) => best.small[t].toFixed(0)),
      ratio(best.small.router, best.small.direct),
      ratio(best.small.hpm, best.small.direct),
      `>= ${TARGETS.small.toFixed(2)}x`,
    ],
    [
      `20 MiB stream, ${STREAM.iterations} downloads (MiB/s)`,
      ...(['direct', 'router', 'hpm'] as const).map((t) => best.stream[t].toFixed(0)),
      ratio(best.stream.router, best.stream.direct),
      ratio(best.stream.hpm, best.stream.direct),
      `>= ${TARGETS.stream.toFixed(2)}x`,
    ],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  console.log(`\nspace-router benchmark, best of ${ROUNDS} rounds, node ${process.version}\n`);
  for (const row of rows) {
    console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
  }
}

function ratio(value: number, reference: number): string {
  return `${(value / reference).toFixed(2)}x`;
}
