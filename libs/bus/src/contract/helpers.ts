import { createEnvelope } from '@akv-replicator/core';
import type { Envelope } from '@akv-replicator/core';
import { randomUUID } from 'node:crypto';

/** A small valid envelope; `id` doubles as the dedup key. */
export function outcomeEnvelope(
  id: string = randomUUID(),
  extra: { traceparent?: string; padTo?: number } = {},
): Envelope<'akv.outcome.v1'> {
  return createEnvelope(
    'akv.outcome.v1',
    {
      outcomeId: id,
      status: 'success',
      action: 'updated',
      service: 'bus-contract',
      at: new Date().toISOString(),
      ...(extra.padTo !== undefined ? { reason: 'x'.repeat(extra.padTo) } : {}),
    },
    {
      id,
      source: '/akv-replicator/bus-contract',
      ...(extra.traceparent ? { traceparent: extra.traceparent } : {}),
    },
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A promise with its resolve function, for handlers that stall until the test releases them. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Unique per test, so tests sharing a broker never see each other's messages. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
