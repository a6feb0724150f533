import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDir } from './app-keys.js';
import { canonicalRoot } from './project-root.js';

export interface LocalKeys {
  /** `DETA_PROJECT_KEY`: `<id>_<secret>`, the shape Deta's project keys had. */
  projectKey: string;
  /** `DETA_API_KEY`: accepted by the router in `X-API-Key`. */
  apiKey: string;
}

/**
 * Keys for the project at `root`, the same on every run: derived from the absolute root with a
 * machine-local secret, so nothing secret is ever written into the project itself.
 */
export function localKeys(root: string): LocalKeys {
  const secret = machineSecret();
  const project = canonicalRoot(root);
  const derive = (purpose: string, length: number) =>
    createHmac('sha256', secret).update(`${purpose}\0${project}`).digest('hex').slice(0, length);
  return {
    projectKey: `${derive('project-id', 8)}_${derive('project-key', 32)}`,
    apiKey: `${derive('api-id', 8)}_${derive('api-key', 40)}`,
  };
}

/** Created once per user with mode 0600; a concurrent first run that loses the race reads the winner's. */
function machineSecret(): Buffer {
  const dir = configDir();
  const file = join(dir, 'secret');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

/**
 * Whether a presented key is `secret`, compared in constant time: over sha256 digests, so neither the
 * comparison nor its length check tells an attacker how much of a guess was right.
 */
export function secretMatcher(secret: string): (presented: string) => boolean {
  const expected = digest(secret);
  return (presented) => timingSafeEqual(digest(presented), expected);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
