/** Where commands write; injected so tests read output without touching the real process. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the user asks long-running commands to stop (Ctrl-C, SIGTERM). */
  readonly signal?: AbortSignal;
}
