/** Where commands write; injected so tests read output without touching the real process. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the user asks long-running commands to stop (Ctrl-C, SIGTERM). */
  readonly signal?: AbortSignal;
  /**
   * stderr when it is a terminal (TTY), for output redrawn in place (progress bars); absent when
   * stderr is a pipe or a file, e.g. a CI log, where such output must be whole lines.
   */
  readonly terminal?: { write(text: string): void };
}
