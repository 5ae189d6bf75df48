import type { IdentityHint } from '../permissions/identity';
import type { VaultOperation } from '../permissions/required-role';
import { FirstRequestGate } from './first-request-gate';
import { translateError } from './translate-error';

/** How often recover (and delete, for certificates) polls until Key Vault reports it done. */
export const DEFAULT_RECOVER_POLL_MS = 500;

export interface AzureStoreOptions {
  /** How often recover (and delete, for certificates) polls; default {@link DEFAULT_RECOVER_POLL_MS}. */
  readonly recoverPollMs?: number;
  /** Who the client authenticates as, named in permission errors (never a secret). */
  readonly identity?: IdentityHint;
}

/** Unix seconds from an SDK date (Key Vault's attributes are whole seconds). */
export const seconds = (date: Date | undefined) =>
  date ? Math.floor(date.getTime() / 1000) : undefined;
/** An SDK date from Unix seconds. */
export const sdkDate = (unix: number | undefined) =>
  unix === undefined ? undefined : new Date(unix * 1000);

/**
 * The requests of one Azure SDK client, for every store kind: each runs behind the client's
 * first-request gate (see FirstRequestGate) and its errors leave as VaultErrors naming the
 * vault, the object and the operation (translateError).
 */
export class ClientRequests {
  private readonly gate = new FirstRequestGate();

  constructor(
    private readonly vaultName: string,
    private readonly options: AzureStoreOptions,
  ) {}

  async call<T>(
    name: string | undefined,
    operation: VaultOperation,
    request: () => Promise<T>,
  ): Promise<T> {
    try {
      return await this.gate.run(request);
    } catch (error) {
      throw this.translate(error, name, operation);
    }
  }

  /** A paged listing (the SDK's `byPage()`): each page fetch is one gated request. */
  async *list<Properties, Item>(
    name: string | undefined,
    operation: VaultOperation,
    pages: AsyncIterator<Properties[]>,
    toItem: (properties: Properties) => Item,
  ): AsyncGenerator<Item, void> {
    try {
      for (;;) {
        const page = await this.gate.run(() => pages.next());
        if (page.done) return;
        for (const properties of page.value) yield toItem(properties);
      }
    } catch (error) {
      throw this.translate(error, name, operation);
    }
  }

  /** A long-running operation (delete, recover) whose poller is awaited until it is done. */
  async untilDone(
    name: string,
    operation: VaultOperation,
    begin: (polling: { intervalInMs: number }) => Promise<{ pollUntilDone(): Promise<unknown> }>,
  ): Promise<void> {
    await this.call(name, operation, async () => {
      const poller = await begin({
        intervalInMs: this.options.recoverPollMs ?? DEFAULT_RECOVER_POLL_MS,
      });
      await poller.pollUntilDone();
    });
  }

  /** A read of a soft-deleted object: undefined when Key Vault holds none by that name (404). */
  async deleted<T>(
    name: string,
    operation: VaultOperation,
    request: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await this.gate.run(request);
    } catch (error) {
      const translated = this.translate(error, name, operation);
      if (translated.kind === 'not-found') return undefined;
      throw translated;
    }
  }

  private translate(error: unknown, name: string | undefined, operation: VaultOperation) {
    return translateError(error, this.vaultName, name, {
      operation,
      identity: this.options.identity,
    });
  }
}
