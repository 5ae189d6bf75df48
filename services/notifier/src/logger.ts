import type { LogFields, Logger } from '@akv-replicator/core';

/**
 * Writes one JSON object per line through `write` (main.ts passes stdout). A stand-in until
 * the shared telemetry logger exists; fields are identifiers only, never secret values.
 */
export function jsonLogger(write: (line: string) => void, bound: LogFields = {}): Logger {
  const log =
    (level: string) =>
    (message: string, fields: LogFields = {}): void => {
      try {
        write(
          `${JSON.stringify({ time: new Date().toISOString(), level, message, ...bound, ...fields })}\n`,
        );
      } catch {
        // Logging must never break delivery.
      }
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => jsonLogger(write, { ...bound, ...fields }),
  };
}
