import { VaultError } from '../errors';

/** What a name is going through after a delete, recover or purge that has not finished. */
export type Transition = 'deleting' | 'recovering' | 'purging';

/** What a request wants to do with a name that may be in transition. */
export type LifecycleAction = 'create' | 'write' | 'delete' | 'recover' | 'purge';

/**
 * Key Vault finishes delete, recover and purge in the background: the request returns at once,
 * the name reaches its new state later, and meanwhile the service answers 409 Conflict
 * (`ObjectIsBeingDeleted` / `ObjectIsBeingRecovered`; "multiple operations on the same item",
 * https://learn.microsoft.com/azure/key-vault/general/common-error-codes; "Azure Key Vault will
 * return a DeletedSecret immediately but may take time to actually delete the secret",
 * https://learn.microsoft.com/dotnet/api/azure.security.keyvault.secrets.deletesecretoperation.value).
 * The memory stores model it with `lifecycleDelayMs` (0, the default, keeps them instant).
 */
export class MemoryLifecycle {
  private readonly transitions = new Map<string, { state: Transition; untilMs: number }>();

  constructor(
    private readonly delayMs: number,
    private readonly nowMs: () => number,
  ) {
    if (!(delayMs >= 0)) throw new RangeError('lifecycleDelayMs must be >= 0');
  }

  start(name: string, state: Transition): void {
    if (this.delayMs > 0)
      this.transitions.set(name.toLowerCase(), { state, untilMs: this.nowMs() + this.delayMs });
  }

  /** The unfinished transition of `name`, if any. */
  pending(name: string): Transition | undefined {
    const key = name.toLowerCase();
    const transition = this.transitions.get(key);
    if (!transition) return undefined;
    if (this.nowMs() >= transition.untilMs) {
      this.transitions.delete(key);
      return undefined;
    }
    return transition.state;
  }

  /**
   * Throws the 409 Key Vault answers for `action` while `name` is in transition. Reads are not
   * refused: the name is simply absent from the live (and the deleted) view meanwhile.
   */
  assertSettled(
    vault: string,
    kind: 'Secret' | 'Certificate',
    name: string,
    action: LifecycleAction,
  ): void {
    const pending = this.pending(name);
    if (pending === undefined) return;
    const details = { vault, objectName: name, status: 409 };
    if (pending === 'recovering')
      throw new VaultError('being-deleted', `${kind} ${name} is currently being recovered.`, {
        ...details,
        serviceCode: 'ObjectIsBeingRecovered',
      });
    if (
      action === 'create' ||
      (pending === 'deleting' && (action === 'recover' || action === 'purge'))
    )
      throw new VaultError(
        'being-deleted',
        `${kind} ${name} is currently being ${pending === 'purging' ? 'purged' : 'deleted'}.`,
        { ...details, serviceCode: 'ObjectIsBeingDeleted' },
      );
  }
}
