import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENGINE_INFO, SERVE_ENGINES, isEngine } from './engines.js';
import type { RawProblem } from './issues.js';
import { RESERVED_PATH, normalisePath, unusablePathHint } from './micro-path.js';
import { NAME_PATTERN } from './schema.js';

const MAX_MICROS = 5;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Rules that span several keys or need a whole list, checked on the raw YAML data. Each check looks only
 * at values of the right type, so shape errors reported by the schema are not reported twice.
 */
export function checkRules(raw: unknown, root: string | undefined): RawProblem[] {
  if (!isObject(raw) || !Array.isArray(raw.micros)) return [];
  const problems: RawProblem[] = [];
  const micros = raw.micros;
  if (micros.length === 0) {
    problems.push({ path: ['micros'], message: 'is an empty list', hint: 'add at least one micro' });
  }
  if (micros.length > MAX_MICROS) {
    problems.push({
      path: ['micros', MAX_MICROS],
      message: `${micros.length} micros; an app has at most ${MAX_MICROS}`,
      hint: 'merge micros or split the app',
    });
  }
  problems.push(...checkNames(micros), ...checkPrimary(micros), ...checkPaths(micros), ...checkActions(micros));
  micros.forEach((micro, index) => {
    if (isObject(micro)) problems.push(...checkMicro(micro, index, root));
  });
  return problems;
}

function checkMicro(micro: Json, index: number, root: string | undefined): RawProblem[] {
  const problems: RawProblem[] = [];
  const at = (...rest: (string | number)[]) => ['micros', index, ...rest];
  const engine = micro.engine;
  if (isEngine(engine)) {
    if (ENGINE_INFO[engine].kind === 'static' && micro.serve === undefined) {
      problems.push({
        path: at('serve'),
        message: 'a static micro needs "serve"',
        hint: 'add "serve: ./" or the directory, relative to src, that holds index.html',
      });
    }
    if (micro.serve !== undefined && !SERVE_ENGINES.includes(engine)) {
      problems.push({
        path: at('serve'),
        message: `"serve" is only allowed for ${SERVE_ENGINES.join(', ')} micros, not ${engine}`,
        hint: `remove it; a ${engine} micro is a running process, not a folder of files`,
      });
    }
    if (micro.include !== undefined && SERVE_ENGINES.includes(engine)) {
      problems.push({
        path: at('include'),
        message: `"include" is not allowed for ${engine} micros`,
        hint: 'remove it; these micros ship their "serve" directory',
      });
    }
  }
  if (micro.public !== undefined && micro.public_routes !== undefined) {
    problems.push({
      path: at('public_routes'),
      message: '"public" and "public_routes" cannot be used together',
      hint: '"public: true" already makes every route public; keep one of the two',
    });
  }
  for (const key of ['commands', 'include', 'public_routes', 'actions'] as const) {
    if (Array.isArray(micro[key]) && (micro[key] as unknown[]).length === 0) {
      problems.push({ path: at(key), message: 'is an empty list', hint: 'add an entry or remove the key' });
    }
  }
  for (const key of ['include', 'public_routes'] as const) problems.push(...checkUnique(micro[key], at(key)));
  const presets = micro.presets;
  if (isObject(presets) && Array.isArray(presets.env) && presets.env.length === 0) {
    problems.push({ path: at('presets', 'env'), message: 'is an empty list', hint: 'add an entry or remove the key' });
  }
  if (root !== undefined && typeof micro.src === 'string') {
    const dir = resolve(root, micro.src);
    if (!existsSync(dir)) {
      problems.push({
        path: at('src'),
        message: `directory ${JSON.stringify(micro.src)} does not exist (looked for ${dir})`,
        hint: 'create it or correct "src"; it is relative to the Spacefile',
      });
    } else if (!statSync(dir).isDirectory()) {
      problems.push({
        path: at('src'),
        message: `${JSON.stringify(micro.src)} is a file, not a directory (${dir})`,
        hint: '"src" names the micro\'s directory',
      });
    }
  }
  return problems;
}

function checkUnique(list: unknown, path: (string | number)[]): RawProblem[] {
  if (!Array.isArray(list)) return [];
  const problems: RawProblem[] = [];
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    if (typeof item !== 'string') return;
    const first = seen.get(item);
    if (first === undefined) seen.set(item, i);
    else
      problems.push({
        path: [...path, i],
        message: `${JSON.stringify(item)} is listed twice (also item ${first + 1})`,
        hint: 'remove the duplicate',
      });
  });
  return problems;
}

function checkNames(micros: unknown[]): RawProblem[] {
  const problems: RawProblem[] = [];
  const seen = new Map<string, number>();
  micros.forEach((micro, index) => {
    if (!isObject(micro) || typeof micro.name !== 'string') return;
    const first = seen.get(micro.name);
    if (first === undefined) seen.set(micro.name, index);
    else
      problems.push({
        path: ['micros', index, 'name'],
        message: `duplicate micro name ${JSON.stringify(micro.name)} (also micros[${first}])`,
        hint: 'give every micro its own name',
      });
  });
  return problems;
}

/** Indexes of the micros marked `primary: true`. */
function markedPrimary(micros: unknown[]): number[] {
  return micros.flatMap((micro, index) => (isObject(micro) && micro.primary === true ? [index] : []));
}

function checkPrimary(micros: unknown[]): RawProblem[] {
  if (micros.length < 2) return [];
  const primaries = markedPrimary(micros);
  if (primaries.length === 0) {
    return [
      {
        path: ['micros'],
        message: `none of the ${micros.length} micros is primary`,
        hint: 'add "primary: true" to the micro that should receive "/" and every path no other micro owns',
      },
    ];
  }
  const [first, ...others] = primaries;
  const firstName = nameOf(micros[first ?? 0]);
  return others.map((index) => ({
    path: ['micros', index, 'primary'],
    message: `${nameOf(micros[index])} is marked primary, and so is ${firstName}`,
    hint: 'exactly one micro can be primary; remove "primary: true" from the others',
  }));
}

/** Index of the primary micro as the model will have it, or -1 while the primary rules are broken. */
function primaryIndex(micros: unknown[]): number {
  if (micros.length === 1) return 0;
  const primaries = markedPrimary(micros);
  return primaries.length === 1 ? (primaries[0] ?? -1) : -1;
}

function checkPaths(micros: unknown[]): RawProblem[] {
  const problems: RawProblem[] = [];
  const primary = primaryIndex(micros);
  const owners = new Map<string, string>();
  const names = new Set<unknown>();
  micros.forEach((micro, index) => {
    if (!isObject(micro)) return;
    // A duplicate name is reported once, not again as the duplicate path it implies.
    const repeatsName = names.has(micro.name);
    names.add(micro.name);
    if (index === primary || micro.primary === true || (repeatsName && micro.path === undefined)) return;
    // A path taken from an invalid name would only repeat the name's problem.
    const fromName = typeof micro.name === 'string' && NAME_PATTERN.test(micro.name) ? micro.name : undefined;
    const written = typeof micro.path === 'string' ? micro.path : micro.path === undefined ? fromName : undefined;
    if (written === undefined) return;
    const path = normalisePath(written);
    const at = micro.path === undefined ? ['micros', index, 'name'] : ['micros', index, 'path'];
    const origin = micro.path === undefined ? ` (from its name; add "path:" to choose another)` : '';
    if (path === '/') {
      problems.push({
        path: at,
        message: `only the primary micro can be at "/"`,
        hint: 'give this micro its own path such as "/api", or make it the primary',
      });
      return;
    }
    if (path === RESERVED_PATH || path.startsWith(`${RESERVED_PATH}/`)) {
      problems.push({
        path: at,
        message: `${JSON.stringify(path)} is reserved for the Space runtime${origin}`,
        hint: 'choose a path that does not start with /__space',
      });
      return;
    }
    const unusable = unusablePathHint(path);
    if (unusable !== undefined) {
      problems.push({ path: at, message: `${JSON.stringify(path)} is not a usable mount path`, hint: unusable });
      return;
    }
    const owner = owners.get(path);
    if (owner !== undefined) {
      problems.push({
        path: at,
        message: `path ${JSON.stringify(path)} is already used by micro ${owner}${origin}`,
        hint: 'give each micro its own path',
      });
      return;
    }
    owners.set(path, nameOf(micro));
  });
  return problems;
}

function checkActions(micros: unknown[]): RawProblem[] {
  const problems: RawProblem[] = [];
  const seen = { id: new Map<string, string>(), name: new Map<string, string>() };
  micros.forEach((micro, index) => {
    if (!isObject(micro) || !Array.isArray(micro.actions)) return;
    micro.actions.forEach((action, i) => {
      if (!isObject(action)) return;
      for (const key of ['id', 'name'] as const) {
        const value = action[key];
        if (typeof value !== 'string') continue;
        const here = `micros[${index}].actions[${i}]`;
        const first = seen[key].get(value);
        if (first === undefined) seen[key].set(value, here);
        else
          problems.push({
            path: ['micros', index, 'actions', i, key],
            message: `action ${key} ${JSON.stringify(value)} is already used by ${first}`,
            hint: `action ${key}s must be unique across the app`,
          });
      }
    });
  });
  return problems;
}

function nameOf(micro: unknown): string {
  return isObject(micro) && typeof micro.name === 'string' ? JSON.stringify(micro.name) : 'a micro';
}
