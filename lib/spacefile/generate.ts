import { stringify } from 'yaml';
import type { DetectedMicro } from './detect.js';

export const SPACEFILE_DOCS_HEADER = '# Spacefile Docs: https://go.deta.dev/docs/spacefile/v0';

/**
 * Spacefile text for detected micros, as Space's CLI wrote it: the docs header comment, `v: 0`, 2-space
 * indentation. With several micros the first is marked primary (a lone micro is primary implicitly).
 */
export function generateSpacefile(micros: readonly DetectedMicro[]): string {
  const entries = micros.map((micro, index) => {
    const entry: Record<string, string | boolean> = { name: micro.name, src: micro.src, engine: micro.engine };
    if (micros.length > 1 && index === 0) entry.primary = true;
    if (micro.serve !== undefined) entry.serve = micro.serve;
    if (micro.dev !== undefined) entry.dev = micro.dev;
    return entry;
  });
  return `${SPACEFILE_DOCS_HEADER}\n${stringify({ v: 0, micros: entries }, { indent: 2, indentSeq: true, version: '1.2' })}`;
}
