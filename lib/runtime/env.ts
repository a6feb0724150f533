import { ENGINE_INFO } from '../spacefile/engines.js';
import type { Micro } from '../spacefile/types.js';
import type { LocalKeys } from './keys.js';

/** What `DETA_SPACE_APP_VERSION` holds locally: a valid semver that no released app ever had. */
export const DEV_APP_VERSION = '0.0.0-dev';

export interface SpaceEnvOptions {
  /** The port the micro must listen on. */
  port: number;
  /** The router's `host:port` (no scheme); the variable is left out while it is unknown. */
  hostname?: string;
  keys: LocalKeys;
  /** The environment the micro inherits; defaults to this process's. */
  parentEnv?: NodeJS.ProcessEnv;
  /** Wins over everything else (the supervisor's `env` option). */
  overrides?: Record<string, string>;
}

/** The environment of one micro, as the Space runtime gave it (spec section 3). */
export function spaceEnv(micro: Micro, options: SpaceEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.parentEnv ?? process.env)) {
    if (value !== undefined) env[name] = value;
  }
  env.PORT = String(options.port);
  if (ENGINE_INFO[micro.engine].python) env.UVICORN_PORT = String(options.port);
  if (options.hostname !== undefined) env.DETA_SPACE_APP_HOSTNAME = options.hostname;
  env.DETA_SPACE_APP_MICRO_NAME = micro.name;
  env.DETA_SPACE_APP_MICRO_TYPE = micro.primary ? 'primary' : 'normal';
  env.DETA_SPACE_APP = 'true';
  env.DETA_SPACE_APP_VERSION = DEV_APP_VERSION;
  env.DETA_PROJECT_KEY = options.keys.projectKey;
  env.DETA_API_KEY = options.keys.apiKey;
  for (const preset of micro.presets.env) {
    if (preset.default && !(preset.name in env)) env[preset.name] = preset.default;
  }
  return Object.assign(env, options.overrides);
}
