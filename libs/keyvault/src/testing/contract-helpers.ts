import { isVaultError } from '../errors';

/** Generous: the emulator's asynchronous deletes and a busy machine must not fail a test. */
export const CONTRACT_TIMEOUT_MS = 20_000;
const POLL_MS = 20;

/** Polls `condition` until it holds (never a fixed sleep). */
export async function eventually(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = CONTRACT_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Runs `request` again while Key Vault answers "being deleted / purged / recovered" (409,
 * retry later): what a worker does through the bus, done here in place.
 */
export async function whenSettled<T>(request: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + CONTRACT_TIMEOUT_MS;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      if (!isVaultError(error, 'being-deleted') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** Resolves with the VaultError kind `request` fails with (asserting it fails). */
export async function failureKind(request: () => Promise<unknown>): Promise<string> {
  try {
    await request();
  } catch (error) {
    if (isVaultError(error)) return error.kind;
    throw error;
  }
  throw new Error('expected a VaultError, the request succeeded');
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
