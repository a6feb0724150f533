/**
 * `npm start`: the fullstack example behind one origin. Port from $PORT, else the first free port
 * from 4200. Ctrl-C stops every micro.
 */
import getPort, { portNumbers } from 'get-port';
import { startExample } from './app.js';

const port = process.env.PORT ? Number(process.env.PORT) : await getPort({ port: portNumbers(4200, 4299) });
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0-65535), got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}
const example = await startExample({ port });
const url = `http://localhost:${example.port}`;

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the micros…');
    example.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

try {
  await example.router.ready();
  console.log(`\nspace-router example ready at ${url}\n`);
} catch (error) {
  // The other micros keep running; the failed one's route answers with an error page naming it.
  console.error(`\n${error instanceof Error ? error.message : String(error)}\n`);
  console.log(`space-router example running at ${url}, with the micro above failing\n`);
}
