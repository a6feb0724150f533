import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type KeyPath = readonly (string | number)[];

/** `['micros', 1, 'engine']` -> `micros[1].engine` */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out ? `.${segment}` : segment;
  }
  return out;
}

/**
 * Where a problem about `path` should point: the key when the last segment is a mapping key that is
 * present (`engine:` in `engine: nodejs18`), the item for a list index, and the closest existing
 * ancestor when the key is missing (so "missing `src`" points at the micro).
 */
export function locate(doc: Document, lineCounter: LineCounter, path: KeyPath): { line: number; column: number } {
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  for (const segment of path) {
    // A problem reached through an alias is about this use of the anchored value (`- *web` repeating a
    // micro), not about where the anchor was defined, which may be fine: point at the alias.
    if (isAlias(node)) break;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (!pair) break;
      offset = startOf(pair.key) ?? startOf(pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      offset = startOf(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** A mapping key as it appears in the converted data: an empty or `~` key becomes `""`. */
function keyText(key: unknown): string | undefined {
  if (key === null) return '';
  if (!isScalar(key)) return undefined;
  return key.value === null ? '' : String(key.value);
}

function startOf(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}
