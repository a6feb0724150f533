import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { canonicalRoot, projectId } from './project-root.js';

/**
 * App API keys (`X-Space-App-Key`). Only a sha256 of each key is kept, in the user's config
 * directory and never in the project, so a key cannot leak through a commit; the plain key is
 * returned once, when it is created.
 */

export interface AppKeyInfo {
  name: string;
  createdAt: string;
}

export interface CreatedAppKey extends AppKeyInfo {
  /** The key itself. Not stored anywhere: show it to the user now. */
  key: string;
}

interface StoredKey extends AppKeyInfo {
  sha256: string;
}

interface StoreFile {
  root: string;
  keys: StoredKey[];
}

/** `$XDG_CONFIG_HOME/space-router`, else `~/.config/space-router`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME ? resolve(env.XDG_CONFIG_HOME) : join(homedir(), '.config');
  return join(base, 'space-router');
}

/** The file holding the key hashes of the project at `root`. */
export function appKeyStorePath(root: string): string {
  return join(configDir(), 'app-keys', `${projectId(root)}.json`);
}

/** What a valid app key name is, in the words error messages use. */
export const APP_KEY_NAME_RULE = 'use 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit';

/** Surrounding whitespace is ignored, as createAppKey trims it. */
export function isValidAppKeyName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name.trim());
}

export function createAppKey(root: string, name: string): CreatedAppKey {
  const trimmed = name.trim();
  if (!isValidAppKeyName(name)) {
    throw new TypeError(`App key name ${JSON.stringify(name)} is not valid: ${APP_KEY_NAME_RULE}.`);
  }
  const store = readStore(root);
  if (store.keys.some((k) => k.name === trimmed)) {
    throw new Error(
      `An app key named "${trimmed}" already exists for ${store.root}; revoke it first or pick another name.`,
    );
  }
  const key = `sak_${randomBytes(24).toString('base64url')}`;
  const createdAt = new Date().toISOString();
  store.keys.push({ name: trimmed, createdAt, sha256: hashKey(key) });
  writeStore(root, store);
  return { name: trimmed, createdAt, key };
}

export function listAppKeys(root: string): AppKeyInfo[] {
  return readStore(root).keys.map(({ name, createdAt }) => ({ name, createdAt }));
}

/** Returns false when no key of that name exists. */
export function revokeAppKey(root: string, name: string): boolean {
  const store = readStore(root);
  const kept = store.keys.filter((k) => k.name !== name);
  if (kept.length === store.keys.length) return false;
  writeStore(root, { ...store, keys: kept });
  return true;
}

/** sha256 hashes (hex) of every key stored for the project. */
export function storedAppKeyHashes(root: string): string[] {
  return appKeyHashReader(root)();
}

/**
 * Reads the project's key hashes afresh on every call, so keys created or revoked from the CLI apply
 * to a running router; only where the store lives (a realpath and a hash) is worked out once.
 */
export function appKeyHashReader(root: string): () => string[] {
  const file = appKeyStorePath(root);
  return () => readStore(root, file).keys.map((k) => k.sha256);
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function readStore(root: string, file = appKeyStorePath(root)): StoreFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { root: canonicalRoot(root), keys: [] };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as StoreFile;
    if (!Array.isArray(parsed.keys)) throw new TypeError('"keys" is not a list');
    return parsed;
  } catch (error) {
    throw new Error(`App key store ${file} is not valid JSON (${(error as Error).message}); delete it to start over.`);
  }
}

/** Write-then-rename so a concurrent reader (a running router) never sees half a file. */
function writeStore(root: string, store: StoreFile): void {
  const file = appKeyStorePath(root);
  mkdirSync(join(configDir(), 'app-keys'), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(store, null, 2) + '\n', { mode: 0o600 });
  renameSync(temporary, file);
}
