/** A logger line split back into its parts: the supervisor writes `name | line` (stdout), `name ! line` (stderr), `name > notice`. */
export interface LogLine {
  micro?: string;
  stream?: 'stdout' | 'stderr' | 'notice';
  text: string;
}

const MARKS = { '|': 'stdout', '!': 'stderr', '>': 'notice' } as const;

export function parseLogLine(message: string, micros: readonly string[]): LogLine {
  const match = /^(\S+) +([|!>]) (.*)$/s.exec(message);
  if (!match || !micros.includes(match[1]!)) return { text: message };
  return { micro: match[1]!, stream: MARKS[match[2] as keyof typeof MARKS], text: match[3]! };
}
