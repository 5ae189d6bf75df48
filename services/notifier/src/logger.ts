/** Structured context of a log line: identifiers and counts, never secret values. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** The logging port. Implementations must never throw into the caller. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** One recorded log line of {@link MemoryLogger}. */
export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/** Writes one JSON object per line through `write` (main.ts passes stdout). */
export function jsonLogger(write: (line: string) => void, base: LogFields = {}): Logger {
  const log =
    (level: LogEntry['level']) =>
    (message: string, fields: LogFields = {}): void => {
      try {
        write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields })}\n`);
      } catch {
        // Logging must never break delivery.
      }
    };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** Keeps log lines in memory; tests read `entries` and `text()` to check what would be logged. */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];

  info(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'info', message, fields });
  }

  warn(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'warn', message, fields });
  }

  error(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'error', message, fields });
  }

  /** Everything logged, serialised as it would be written. */
  text(): string {
    return this.entries.map((entry) => JSON.stringify(entry)).join('\n');
  }
}
