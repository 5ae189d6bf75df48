import type { LogFields, Logger } from '@akv-replicator/core';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/**
 * One JSON object per line, for the CLI's own process. Fields are names and counts by
 * construction (services never log values); the telemetry library replaces this with pino.
 */
export function createConsoleLogger(
  minimum: Level | 'silent',
  write: (line: string) => void,
  bound: LogFields = {},
): Logger {
  const threshold = minimum === 'silent' ? Infinity : LEVELS.indexOf(minimum);
  const emit =
    (level: Level) =>
    (message: string, fields: LogFields = {}) => {
      if (LEVELS.indexOf(level) < threshold) return;
      write(
        JSON.stringify({ time: new Date().toISOString(), level, message, ...bound, ...fields }),
      );
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => createConsoleLogger(minimum, write, { ...bound, ...fields }),
  };
}
