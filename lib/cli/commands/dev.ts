import { isIPv6 } from 'node:net';
import { parseCommand, UsageError, type Command } from '../command.js';
import { createJsonReporter } from '../dev/json-reporter.js';
import { DEFAULT_PORT } from '../dev/listen.js';
import { runDev } from '../dev/run-dev.js';
import { createTextReporter } from '../dev/text-reporter.js';

export const dev: Command = {
  help: `Usage: space-router dev [dir|file] [options]

Start every micro of the Spacefile (default: ./Spacefile) and serve the whole
app on one origin, routed as Deta Space did: /api/x reaches the api micro as
/x, everything else the primary micro. Shows each micro starting, then a table
of where each one runs, then their logs. Ctrl-C stops every micro; press it
again to force.

Options:
  --host <host>      address to listen on (default: localhost); IPv6 as ::1
                     or [::1]
  --port <port>      port to listen on (default: the first free port from ${DEFAULT_PORT});
                     a port that is taken is an error
  --micro <a,b>      start only these micros (comma-separated names)
  --open             open the app in the browser once it is ready
  --auth             emulate Space authentication (private app, public
                     routes, API keys, sign-in at /__space/signin)
  --schedule         run the Spacefile's actions on their default_interval
                     while dev is up (each run is logged)
  --quiet            print only the app URL, warnings and errors
  --log <format>     text (default) or json: one JSON object per line, for CI
  --no-color         plain output
  -h, --help         show this help

Exit status: 0 after Ctrl-C, 130 after a forced stop (second Ctrl-C), 1 when
the Spacefile is invalid or a micro fails to start (its name, command, port
and last log lines are printed), 2 on wrong usage.`,

  async run(argv) {
    const { values, positionals, output, helpShown } = parseCommand(this, argv, {
      host: { type: 'string', default: 'localhost' },
      port: { type: 'string' },
      micro: { type: 'string', multiple: true },
      open: { type: 'boolean' },
      auth: { type: 'boolean' },
      schedule: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      log: { type: 'string', default: 'text' },
    });
    if (helpShown) return 0;
    if (positionals.length > 1) throw new UsageError(`dev takes one project directory or Spacefile, got ${positionals.length}`);
    if (values.log !== 'text' && values.log !== 'json') throw new UsageError(`--log must be "text" or "json", got "${values.log}"`);
    const port = values.port === undefined ? undefined : parsePort(values.port);
    const reporter = values.log === 'json' ? createJsonReporter() : createTextReporter(output, values.quiet === true);

    const micros = (values.micro ?? []).flatMap((list) => list.split(',')).map((name) => name.trim()).filter(Boolean);
    // `--micro "$MICROS"` with an empty variable must not quietly mean "every micro".
    if (values.micro !== undefined && micros.length === 0) {
      throw new UsageError('--micro needs the names of the micros to start (--micro api,web); leave it out to start every micro');
    }
    try {
      return await runDev(reporter, {
        project: positionals[0] ?? '.',
        host: parseHost(values.host),
        port,
        micros,
        open: values.open === true,
        auth: values.auth === true,
        schedule: values.schedule === true,
      });
    } catch (error) {
      if (error instanceof UsageError) throw error;
      reporter.failed(error);
      return 1;
    }
  },
};

/** `[::1]` is how a URL writes an IPv6 address, so users type it that way; the socket wants it bare. */
function parseHost(text: string): string {
  const bracketed = /^\[(.*)\]$/.exec(text);
  if (!bracketed) return text;
  if (!isIPv6(bracketed[1]!)) throw new UsageError(`--host takes brackets only around an IPv6 address, like [::1]; got "${text}"`);
  return bracketed[1]!;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be a port number (0-65535), got "${text}"`);
  return port;
}
