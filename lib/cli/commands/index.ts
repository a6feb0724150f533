import type { Command } from '../command.js';

export interface CommandEntry {
  name: string;
  /** One line for `space-router --help`. */
  summary: string;
  /** Loaded on use, so `validate` never pulls in the proxy and the process supervisor. */
  load(): Promise<Command>;
}

/** In the order `space-router --help` lists them. */
export const commands: CommandEntry[] = [
  {
    name: 'dev',
    summary: 'run the whole app behind one local origin (what `space dev` was)',
    load: async () => (await import('./dev.js')).dev,
  },
  {
    name: 'validate',
    summary: 'check a Spacefile; every problem with file:line:column and a hint',
    load: async () => (await import('./validate.js')).validate,
  },
  {
    name: 'init',
    summary: 'detect the micros of a project and write its Spacefile',
    load: async () => (await import('./init.js')).init,
  },
  {
    name: 'routes',
    summary: 'show the route table, or which micro and path a URL reaches',
    load: async () => (await import('./routes.js')).routes,
  },
  {
    name: 'trigger',
    summary: 'run a scheduled action now and print what its micro answered',
    load: async () => (await import('./trigger.js')).trigger,
  },
  {
    name: 'keys',
    summary: 'create, list or revoke the app API keys sent in X-Space-App-Key',
    load: async () => (await import('./keys.js')).keys,
  },
];
