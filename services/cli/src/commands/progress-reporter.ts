/** Without a terminal, a progress line at least this far apart (unless a 10 % step is crossed). */
export const DEFAULT_PROGRESS_INTERVAL_MS = 5_000;
/** Without a terminal, a progress line each time this share of the tasks more is done. */
export const DEFAULT_PROGRESS_STEP_PERCENT = 10;
const BAR_WIDTH = 30;

export interface ProgressReporterOptions {
  /** Where full lines go (the CLI's stderr). */
  readonly line: (text: string) => void;
  /**
   * The terminal, when the output is one: the bar is redrawn in place there. Absent (a pipe, a
   * file, a CI log), progress is a line per step instead of a line per task.
   */
  readonly terminal?: { write(text: string): void } | undefined;
  readonly now?: () => number;
  /** Default DEFAULT_PROGRESS_INTERVAL_MS. */
  readonly intervalMs?: number;
  /** Default DEFAULT_PROGRESS_STEP_PERCENT. */
  readonly stepPercent?: number;
}

export interface ProgressReporter {
  /** The latest tally; called as often as the caller likes, it prints only what is worth it. */
  update(done: number, total: number): void;
  /** Ends the bar's line on a terminal; call once before printing the summary. */
  finish(): void;
}

/**
 * Progress of a resync: a bar redrawn in place on a terminal; otherwise one line when the
 * total is first known, at every `stepPercent` crossed, at most every `intervalMs` in between
 * while work moves, and at completion. A 9,000-task resync into a CI log is about a dozen lines.
 */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  const stepPercent = options.stepPercent ?? DEFAULT_PROGRESS_STEP_PERCENT;
  const terminal = options.terminal;
  let drawn: string | undefined;
  let last: { done: number; total: number; step: number; at: number } | undefined;
  return {
    update(done, total) {
      if (terminal) {
        const bar = progressBar(done, total);
        if (bar !== drawn) terminal.write(`\r${bar}`);
        drawn = bar;
        return;
      }
      const step = Math.floor(percent(done, total) / stepPercent);
      const due =
        last === undefined ||
        last.total !== total ||
        step > last.step ||
        (done === total && last.done !== done) ||
        (done !== last.done && now() - last.at >= intervalMs);
      if (!due) return;
      options.line(`progress: ${done}/${total} tasks (${Math.floor(percent(done, total))} %)`);
      last = { done, total, step, at: now() };
    },
    finish() {
      if (terminal && drawn !== undefined) terminal.write('\n');
      drawn = undefined;
    },
  };
}

function percent(done: number, total: number): number {
  return total === 0 ? 100 : Math.min(100, (done / total) * 100);
}

/** `[#####-----] 12/40`: the terminal bar. */
export function progressBar(done: number, total: number): string {
  const filled = Math.min(BAR_WIDTH, Math.round((percent(done, total) / 100) * BAR_WIDTH));
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`;
}
