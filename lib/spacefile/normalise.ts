import { resolve } from 'node:path';
import type { Action, Micro, Spacefile } from './types.js';
import type { RawMicro, RawSpacefile } from './schema.js';
import { normalisePath } from './micro-path.js';

/** Build the model from a Spacefile that passed every check. */
export function normalise(raw: RawSpacefile, root: string | undefined): Spacefile {
  const lone = raw.micros.length === 1;
  const spacefile: Spacefile = {
    v: 0,
    micros: raw.micros.map((micro) => normaliseMicro(micro, lone || micro.primary === true, root)),
    autoPwa: raw.auto_pwa ?? true,
  };
  if (raw.icon !== undefined) spacefile.icon = raw.icon;
  if (raw.app_name !== undefined) spacefile.appName = raw.app_name;
  return spacefile;
}

function normaliseMicro(raw: RawMicro, primary: boolean, root: string | undefined): Micro {
  const micro: Micro = {
    name: raw.name,
    src: raw.src,
    engine: raw.engine,
    primary,
    path: primary ? '/' : normalisePath(raw.path ?? raw.name),
    commands: raw.commands ?? [],
    include: raw.include ?? [],
    presets: {
      env: (raw.presets?.env ?? []).map((env) => ({ ...env })),
      apiKeys: raw.presets?.api_keys ?? false,
    },
    public: raw.public === true || (raw.public_routes ?? []).includes('/*'),
    publicRoutes: raw.public_routes ?? [],
    actions: (raw.actions ?? []).map(normaliseAction),
    provideActions: raw.provide_actions ?? false,
  };
  if (root !== undefined) micro.dir = resolve(root, raw.src);
  if (raw.serve !== undefined) micro.serve = raw.serve;
  if (raw.run !== undefined) micro.run = raw.run;
  if (raw.dev !== undefined) micro.dev = raw.dev;
  return micro;
}

function normaliseAction(raw: NonNullable<RawMicro['actions']>[number]): Action {
  const action: Action = { id: raw.id, name: raw.name, trigger: raw.trigger, defaultInterval: raw.default_interval };
  if (raw.description !== undefined) action.description = raw.description;
  if (raw.path !== undefined) action.path = raw.path;
  return action;
}
