/** How often the parent process is checked. A second is enough for a stop request. */
export const DEFAULT_PARENT_CHECK_INTERVAL_MS = 1_000;

export interface ParentWatchOptions {
  /** The current parent process id (`process.ppid`). */
  readonly parentPid: () => number;
  /** Called once, when the parent that started us is gone. */
  readonly onOrphaned: () => void;
  readonly intervalMs?: number;
}

/**
 * Under `npx akv-replicator …` (or `npm run`/`npm exec`) the process tree is npm → sh → node.
 * A process manager that signals npm's PID with SIGTERM makes npm pass it to the shell, which
 * dies; this process is then re-parented (to init or a subreaper) and would run on, unseen.
 * Watching for that change turns "npm was told to stop" into our own graceful stop.
 * Only worth running under npm: started directly, the signal reaches this process itself, and a
 * shell that exits under `nohup akv-replicator … &` must not stop it. Returns the stop function.
 */
export function watchParent(options: ParentWatchOptions): () => void {
  const original = options.parentPid();
  const timer = setInterval(() => {
    if (options.parentPid() === original) return;
    clearInterval(timer);
    options.onOrphaned();
  }, options.intervalMs ?? DEFAULT_PARENT_CHECK_INTERVAL_MS);
  // Never what keeps the process alive.
  timer.unref();
  return () => clearInterval(timer);
}

/** True when npm (npx, npm exec, npm run, npm start) started this process. */
export function startedByNpm(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.npm_command);
}
