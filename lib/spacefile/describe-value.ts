import type { KeyPath } from './positions.js';

export function valueAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** A YAML value as a user would recognise it in a message: `the number 8080`, `the string "yes"`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return 'a mapping';
    default:
      return String(value);
  }
}

/** How a scalar looks when written unquoted in YAML, for "quote it" hints. */
export function asYamlText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
