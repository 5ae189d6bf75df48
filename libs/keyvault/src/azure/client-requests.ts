import type { IdentityHint } from '../permissions/identity';
import type { VaultOperation } from '../permissions/required-role';
import { FirstRequestGate } from './first-request-gate';
import { translateError } from './translate-error';

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
    private readonly identity: IdentityHint | undefined,
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
    return translateError(error, this.vaultName, name, { operation, identity: this.identity });
  }
}
