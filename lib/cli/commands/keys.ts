import { join } from 'node:path';
import {
  APP_KEY_NAME_RULE,
  appKeyStorePath,
  configDir,
  createAppKey,
  isValidAppKeyName,
  listAppKeys,
  revokeAppKey,
} from '../../runtime/app-keys.js';
import { loadSpacefile } from '../../spacefile/index.js';
import type { Spacefile } from '../../spacefile/types.js';
import { parseCommand, UsageError, type Command } from '../command.js';
import { displayPath } from '../errors.js';
import type { Output } from '../output.js';
import { renderTable } from '../table.js';

export const keys: Command = {
  help: `Usage: space-router keys <create|list|revoke> [name] [dir|file] [options]

Manage the app API keys of a project (default: the Spacefile in .). Clients
send one in the X-Space-App-Key header; with dev --auth, a micro whose
Spacefile entry has "presets: api_keys: true" accepts it, as on Deta Space.
A running dev sees created and revoked keys at once.

A key is printed once, when it is created. Only its sha256 is stored, in your
user config directory (${join(configDir(), 'app-keys')}),
never in the project, so it cannot leak through a commit.

Commands:
  create <name> [dir]   create a key; prints the key alone on stdout
  list [dir]            the keys' names and when they were created
  revoke <name> [dir]   revoke a key: requests carrying it get 401

A name is 1 to 64 letters, digits, "_", "." or "-", starting with a letter
or digit.

Options:
  --no-color   plain output
  -h, --help   show this help

Examples:
  space-router keys create ci examples/fullstack
  curl -H "X-Space-App-Key: $KEY" http://localhost:4200/api/items

Exit status: 0 on success, 1 when the name is taken (create) or unknown
(revoke), 2 on wrong usage.`,

  async run(argv) {
    const { positionals, output, helpShown } = parseCommand(this, argv, {});
    if (helpShown) return 0;
    const [action, ...args] = positionals;
    switch (action) {
      case 'create': {
        const [name, project] = named('create', args);
        return create(name, loadSpacefile(project ?? '.'), output);
      }
      case 'list': {
        if (args.length > 1) throw new UsageError(`keys list takes one project, got ${args.length} arguments`);
        return list(loadSpacefile(args[0] ?? '.'), output);
      }
      case 'revoke': {
        const [name, project] = named('revoke', args);
        return revoke(name, loadSpacefile(project ?? '.'), output);
      }
      case undefined:
        throw new UsageError('keys needs a command: create <name>, list or revoke <name>');
      default:
        throw new UsageError(`keys has no command "${action}"; use create <name>, list or revoke <name>`);
    }
  },
};

function named(action: string, args: string[]): [string, string | undefined] {
  const [name, project, ...extra] = args;
  if (name === undefined) throw new UsageError(`keys ${action} needs the name of a key`);
  if (extra.length > 0) throw new UsageError(`keys ${action} takes a name and one project, got ${args.length} arguments`);
  // A name no key can have is a mistake in the command line, not something the key store decides.
  if (!isValidAppKeyName(name)) throw new UsageError(`keys ${action}: ${JSON.stringify(name)} is not a valid key name; ${APP_KEY_NAME_RULE}`);
  return [name, project];
}

function create(name: string, spacefile: Spacefile, { colors, out, err }: Output): number {
  const root = spacefile.root!;
  const created = createAppKey(root, name);
  out(created.key);
  err(`${colors.green('✓')} app key "${created.name}" created for ${displayPath(root)}`);
  err(colors.dim(`  shown only this once: only its sha256 is stored, in ${appKeyStorePath(root)}`));
  const accepting = spacefile.micros.filter((micro) => micro.presets.apiKeys).map((micro) => micro.name);
  if (accepting.length === 0) {
    err(colors.yellow(`  no micro accepts app keys yet: add "presets: api_keys: true" to those that should, in ${displayPath(spacefile.filename ?? root)}`));
  } else {
    err(colors.dim(`  accepted in X-Space-App-Key by ${accepting.join(', ')} when dev runs with --auth`));
  }
  return 0;
}

function list(spacefile: Spacefile, output: Output): number {
  const root = spacefile.root!;
  const found = listAppKeys(root);
  if (found.length === 0) {
    output.err(`no app keys for ${displayPath(root)}; create one with: space-router keys create <name>`);
    return 0;
  }
  const rows = found.map((key) => [key.name, key.createdAt]);
  const table = renderTable(['NAME', 'CREATED'], rows, {
    colors: output.colors,
    maxWidth: output.columns,
    paint: (_row, column, text) => (column === 0 ? output.colors.bold(text) : text),
  });
  for (const line of table) output.out(line);
  return 0;
}

function revoke(name: string, spacefile: Spacefile, { colors, out }: Output): number {
  const root = spacefile.root!;
  if (!revokeAppKey(root, name)) {
    const names = listAppKeys(root).map((key) => `"${key.name}"`);
    throw new Error(
      `No app key named "${name}" for ${displayPath(root)}` + (names.length ? ` (keys: ${names.join(', ')}).` : ' (it has none).'),
    );
  }
  out(`${colors.green('✓')} revoked app key "${name}" of ${displayPath(root)}`);
  return 0;
}
