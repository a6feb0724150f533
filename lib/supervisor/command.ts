import { parse, quote } from 'shell-quote';
import { ENGINE_INFO } from '../spacefile/engines.js';
import type { Micro } from '../spacefile/types.js';

export interface ChosenCommand {
  text: string;
  /** Which field it came from; `run` deserves a notice, since production commands rarely watch files. */
  source: 'dev' | 'engine' | 'run';
}

/** `dev`, else the engine's default dev command, else `run`; undefined when there is none. */
export function chooseCommand(micro: Micro): ChosenCommand | undefined {
  if (micro.dev?.trim()) return { text: micro.dev.trim(), source: 'dev' };
  const engineDefault = ENGINE_INFO[micro.engine].devCommand;
  if (engineDefault) return { text: engineDefault, source: 'engine' };
  if (micro.run?.trim()) return { text: micro.run.trim(), source: 'run' };
  return undefined;
}

export interface SpawnPlan {
  file: string;
  args: string[];
  /** True when the platform shell runs the command (it has operators, redirects, assignments...). */
  shell: boolean;
  /** The command line after `$VAR` expansion, for logs, status and errors. */
  display: string;
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const VARIABLE = new RegExp(`\\$(?:\\{(${NAME})\\}|(${NAME}))`, 'g');
const ASSIGNMENT = new RegExp(`^${NAME}=`);

/** Replaces `$VAR` and `${VAR}` with their values in `env`; unset variables become empty, as in sh. */
export function expandVariables(text: string, env: Record<string, string | undefined>): string {
  return text.replace(VARIABLE, (_, braced: string | undefined, bare: string | undefined) => env[(braced ?? bare)!] ?? '');
}

/**
 * How to start `command`. Plain commands are split into words (quotes honoured, variables expanded)
 * and executed directly, like Space's CLI did; anything a shell must interpret goes to `/bin/sh -c`
 * (or `cmd.exe /c`), which then expands variables itself with full shell quoting rules.
 */
export function planSpawn(command: string, env: Record<string, string | undefined>): SpawnPlan {
  const words = parse(command, (name) => env[name] ?? '');
  const needsShell =
    // `~/bin/x` (a home-relative path) is expanded by the shell only, never by a direct spawn.
    /[`]|\$\(|(^|\s)~/.test(command) ||
    words.some((word) => typeof word !== 'string') ||
    (typeof words[0] === 'string' && ASSIGNMENT.test(words[0]));
  if (needsShell) {
    // Approximate (quotes are not considered), but the shell itself gets the command untouched.
    const display = expandVariables(command, env);
    if (process.platform === 'win32') {
      return { file: process.env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', display], shell: true, display };
    }
    return { file: '/bin/sh', args: ['-c', command], shell: true, display };
  }
  const [file, ...args] = words as string[];
  if (!file) throw new Error('empty command');
  return { file, args, shell: false, display: quote(words as string[]) };
}
