/**
 * What the pull inputs' integration tests share: a memory bus to publish to and what reached
 * it, a wait, a publisher held on a gate and the check that stop() waits for it.
 */
import assert from 'node:assert/strict';
import { MemoryLogger, TOPICS, type AnyEnvelope } from '@akv-replicator/core';
import { ack, createMemoryBus, type Bus, type Publisher } from '@akv-replicator/bus';

/** A memory bus an input under test publishes to, and what reached its vault-events topic. */
export interface VaultEventsCapture {
  readonly bus: Bus;
  readonly logger: MemoryLogger;
  /** Every envelope delivered on TOPICS.vaultEvents, in delivery order. */
  readonly received: AnyEnvelope[];
}

export async function captureVaultEvents(): Promise<VaultEventsCapture> {
  const bus = createMemoryBus();
  const received: AnyEnvelope[] = [];
  await bus.subscribe(TOPICS.vaultEvents, { subscription: 'test' }, async (envelope) => {
    received.push(envelope);
    return ack();
  });
  return { bus, logger: new MemoryLogger(), received };
}

/**
 * Polls every 20 ms until predicate (sync or async) holds; fails the test naming `what` after timeoutMs, with
 * what `seen` reports then — a predicate that overshot (two events where one was awaited) must
 * not read as "nothing arrived".
 */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  seen?: () => unknown,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline)
      assert.fail(
        `timed out waiting for ${what}${seen ? `; seen: ${JSON.stringify(seen())}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * How long a stop() that did not wait for its work in flight gets to show it. Such a stop closes
 * its receiver and client against the local test broker in tens of milliseconds (hundreds on a
 * loaded machine), so it would have returned within this second. A stop that does wait cannot
 * return inside it at all: its drain timeout (30 s by default) is far longer.
 */
export const STOP_WITHOUT_DRAIN_MS = 1_000;

/**
 * "stop() waits for the work in flight" — a check that something does NOT happen, so it watches
 * for STOP_WITHOUT_DRAIN_MS instead of waiting on a condition, and fails if stop() returned.
 */
export async function stopStaysBlocked(stopped: Promise<void>, until: string): Promise<void> {
  let returned = false;
  void stopped.then(
    () => (returned = true),
    () => (returned = true),
  );
  await new Promise((resolve) => setTimeout(resolve, STOP_WITHOUT_DRAIN_MS));
  assert.equal(returned, false, `stop() returned before ${until}`);
}

/** A publisher that holds every publish until released, to catch an input with work in flight. */
export interface HeldPublisher {
  readonly publisher: Publisher;
  /** True once a publish has started (and waits for release). */
  readonly entered: boolean;
  /** Lets every held and later publish through to the target. */
  release(): void;
}

export function holdPublishes(target: Publisher): HeldPublisher {
  let release: (() => void) | undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered = false;
  return {
    publisher: {
      publish: async (topic, envelope, options) => {
        entered = true;
        await gate;
        return target.publish(topic, envelope, options);
      },
    },
    get entered() {
      return entered;
    },
    release: () => release!(),
  };
}
