/**
 * Polls `check` until it returns a value (not undefined) or the timeout passes. The timeout only
 * ends a failing run, so it is generous by default: a loaded 2-core machine can take many times
 * a laptop's time.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * For a check that something did NOT happen (no duplicate version, no echo): lets `ms` of wall
 * clock pass so that a late arrival would have shown. Never use it to wait for something to
 * happen — that is `waitFor`. Wait for a positive marker first where one exists, and pass a
 * named constant whose comment says why `ms` is long enough.
 */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
