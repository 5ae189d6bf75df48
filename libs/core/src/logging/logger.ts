/** Structured fields of a log line: names of vaults, objects, links, codes — never values. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined | null>>;

/** The logging port every service takes; the JSON implementation with redaction lives in telemetry. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Discards everything: the default in libraries and tests that don't read logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/** Keeps lines in memory, so tests can assert on what was logged (and on what never was). */
export class MemoryLogger implements Logger {
  readonly lines: { level: string; message: string; fields: LogFields }[] = [];

  constructor(
    private readonly bound: LogFields = {},
    lines?: MemoryLogger['lines'],
  ) {
    if (lines) this.lines = lines;
  }

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new MemoryLogger({ ...this.bound, ...fields }, this.lines);
  }
  /** Everything logged, as one string: handy for "never contains" assertions. */
  text(): string {
    return this.lines
      .map((line) => `${line.level} ${line.message} ${JSON.stringify(line.fields)}`)
      .join('\n');
  }

  private write(level: string, message: string, fields: LogFields = {}): void {
    this.lines.push({ level, message, fields: { ...this.bound, ...fields } });
  }
}
