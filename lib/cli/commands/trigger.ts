import { createServer } from 'node:http';
import { spaceRouter } from '../../index.js';
import { findAction } from '../../runtime/actions.js';
import type { Logger } from '../../supervisor/types.js';
import { loadSpacefile } from '../../spacefile/index.js';
import { parseCommand, UsageError, type Command } from '../command.js';
import type { Output } from '../output.js';
import type { ActionResult } from '../../runtime/types.js';
import { triggerRunning } from '../trigger-running.js';

export const trigger: Command = {
  help: `Usage: space-router trigger <action-id> [dir|file] [options]

Deliver a scheduled action the way Deta Space did: POST /__space/v0/actions
to the micro that declares it, with {"event": {"id": ..., "trigger": "schedule"}}.
Without --url, the micro is started for the purpose and stopped afterwards.
With --url, the action goes to the micro of a space-router dev already running
there (authenticated with the project's DETA_API_KEY, so [dir] must be the
project it serves). The answer's body goes to stdout; its status (and, without
--url, the micro's logs) to stderr.

Options:
  --url <origin>   a running space-router dev, e.g. http://localhost:4200
  --input <json>   extra JSON passed to the handler as event.input
  --no-color       plain output
  -h, --help       show this help

Exit status: 0 when the micro answered 2xx, 1 otherwise (an action the
Spacefile does not declare included), 2 on wrong usage.`,

  async run(argv) {
    const { values, positionals, output, helpShown } = parseCommand(this, argv, { input: { type: 'string' }, url: { type: 'string' } });
    if (helpShown) return 0;
    const [actionId, project, ...extra] = positionals;
    if (actionId === undefined) throw new UsageError('trigger needs the id of an action from the Spacefile');
    if (extra.length > 0) throw new UsageError(`trigger takes an action id and one project, got ${positionals.length} arguments`);
    const input = values.input === undefined ? undefined : parseInput(values.input);
    const origin = values.url === undefined ? undefined : parseOrigin(values.url);

    const spacefile = loadSpacefile(project ?? '.');
    if (origin) return report(actionId, await triggerRunning(origin, spacefile.root!, actionId, input), output);
    // Unknown ids fail here, listing the declared ones, before any process starts.
    const { micro } = findAction(spacefile, actionId);
    const { colors } = output;
    output.err(colors.dim(`starting ${micro.name} for action "${actionId}"…`));

    const logger: Logger = { info: output.err, warn: output.err, error: output.err };
    const router = spaceRouter(spacefile, { logger, only: [micro.name] });
    // A listening server gives micros a real DETA_SPACE_APP_HOSTNAME for calls to each other.
    const server = createServer(router);
    router.attach(server);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      await router.ready();
      return report(actionId, { micro: micro.name, ...(await router.trigger(actionId, input)) }, output);
    } finally {
      server.close();
      await router.close();
    }
  },
};

function report(actionId: string, result: ActionResult & { micro: string }, { colors, out, err }: Output): number {
  const ok = result.status >= 200 && result.status < 300;
  err(`${ok ? colors.green('✓') : colors.red('✖')} action "${actionId}" → ${result.micro} answered ${result.status}`);
  if (result.body !== '') out(result.body.replace(/\n$/, ''));
  return ok ? 0 : 1;
}

function parseOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be the address of a running space-router dev, like http://localhost:4200, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be an http:// or https:// address, got "${text}"`);
  }
  return url.origin;
}

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--input must be JSON (quote it for the shell: --input '{"n": 1}'): ${(error as Error).message}`);
  }
}
