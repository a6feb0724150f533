import { isAbsolute, resolve } from 'node:path';
import { loadSpacefile } from '../spacefile/index.js';
import type { Spacefile } from '../spacefile/types.js';
import { createSupervisor } from '../supervisor/index.js';
import { createAuthGate } from '../runtime/auth.js';
import { localKeys } from '../runtime/keys.js';
import { createRouter, type HostAddress } from './create-router.js';
import type { RouterOptions, SpaceRouter } from './types.js';

/**
 * Route a whole Space app behind one origin: `app.use(spaceRouter('./Spacefile'))`.
 *
 * `spacefile` is a parsed Spacefile, the path of a Spacefile, or a project directory holding one.
 * Micros start on the first of `ready()`, the first request or upgrade, or an `attach()`ed server
 * starting to listen (see {@link createRouter} for why lazily).
 *
 * @example
 * ```ts
 * const router = spaceRouter('./Spacefile');
 * app.use(router);
 * const server = app.listen(3000);
 * router.attach(server);
 * await router.ready();
 * ```
 */
export function spaceRouter(spacefile: Spacefile | string, options: RouterOptions = {}): SpaceRouter {
  const model = withRoot(
    typeof spacefile === 'string' ? loadSpacefile(resolve(options.root ?? '.', spacefile)) : spacefile,
    options.root,
  );
  checkSelf(model, options.self);
  const host: HostAddress = { fallback: options.hostname };
  const supervisor = createSupervisor(model, {
    env: options.env,
    hostname: () => host.learned ?? host.fallback,
    readyTimeout: options.readyTimeout,
    logger: options.logger,
    restart: options.restart,
    skip: options.self === undefined ? [] : [options.self],
    only: options.only,
  });
  const gate = options.auth
    ? createAuthGate({ spacefile: model, apiKey: localKeys(model.root!).apiKey, appKeys: options.appKeys })
    : undefined;
  return createRouter({ spacefile: model, supervisor, host, gate, options });
}

/** Every micro needs an absolute `dir`; an explicit `root` option wins over the Spacefile's own. */
function withRoot(spacefile: Spacefile, rootOption: string | undefined): Spacefile {
  const root = resolve(rootOption ?? spacefile.root ?? process.cwd());
  const keepDirs = rootOption === undefined && spacefile.root !== undefined;
  return {
    ...spacefile,
    root,
    micros: spacefile.micros.map((micro) => ({
      ...micro,
      dir: keepDirs && micro.dir && isAbsolute(micro.dir) ? micro.dir : resolve(root, micro.src),
    })),
  };
}

function checkSelf(spacefile: Spacefile, self: string | undefined): void {
  if (self === undefined || spacefile.micros.some((micro) => micro.name === self)) return;
  const names = spacefile.micros.map((micro) => `"${micro.name}"`).join(', ');
  throw new TypeError(
    `spaceRouter: options.self is "${self}", but the Spacefile has no such micro (micros: ${names}). ` +
      'Set it to the name of the micro your host server serves itself, or leave it out.',
  );
}
