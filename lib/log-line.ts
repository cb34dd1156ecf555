/**
 * One log line as JSON: time, level, message, then the entry's fields (a trace id among them when
 * it has one), so lines can be searched by field and joined to their trace. Values JSON has no
 * form for (bigint, errors, cycles) are written as text rather than failing the log.
 */
export function logLine(level: string, message: string, meta: Record<string, unknown> | undefined, time: Date): string {
  const seen = new WeakSet<object>();
  return JSON.stringify({ time: time.toISOString(), level, msg: message, ...meta }, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[circular]';
      seen.add(value);
    }
    return value;
  });
}

/** What the stack scripts and tests wait for in a process's output: a line with this mark, once it serves. */
export const READY_MARK = '[ready]';
