import {
  ApiException,
  CoordinationV1Api,
  type KubeConfig,
  type V1Lease,
} from '@kubernetes/client-node';
import { silentLogger, type Logger } from '@akv-replicator/core';
import type { LeaderElection, LeadershipListener } from '../leader-election';

export interface LeaseElectionOptions {
  readonly name: string;
  readonly namespace: string;
  /** This candidate's identity (pod name + random suffix): written as `holderIdentity`. */
  readonly identity: string;
  readonly durationSeconds: number;
  readonly renewSeconds: number;
  readonly onStartedLeading: LeadershipListener['onStartedLeading'];
  readonly onStoppedLeading: LeadershipListener['onStoppedLeading'];
  readonly logger?: Logger;
  /** Monotonic milliseconds (test knob). */
  readonly now?: () => number;
}

/**
 * Leader election over a coordination.k8s.io/v1 Lease, the way client-go's leaderelection
 * does it: the holder renews every `renewSeconds` with an optimistic update (resourceVersion,
 * so two writers cannot both win); a candidate takes over only after it has seen the same
 * record unchanged for `durationSeconds` on its own clock (no trust in other nodes' clocks).
 * The holder stops leading on the first failed renewal — a conflict, an error, or no success
 * for `durationSeconds` — before anyone else may take over.
 */
export class LeaseElection implements LeaderElection {
  private readonly api: CoordinationV1Api;
  private readonly log: Logger;
  private readonly now: () => number;
  private leading = false;
  /** The holder the last round read or wrote; undefined after a failed round. */
  private holder: string | undefined;
  /** Saw another holder (or lost the lease) before: a gain is then a takeover. */
  private sawOther = false;
  private observed: { record: string; at: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Fires when the holder's last renewal would let a candidate take over. */
  private deadline: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: LeaseElectionOptions,
  ) {
    this.api = kubeConfig.makeApiClient(CoordinationV1Api);
    this.log = (options.logger ?? silentLogger).child({
      lease: `${options.namespace}/${options.name}`,
    });
    this.now = options.now ?? (() => performance.now());
  }

  get isLeader(): boolean {
    return this.leading;
  }

  get leader(): string | undefined {
    return this.leading ? this.options.identity : this.holder;
  }

  /** Tries at once, then every `renewSeconds`. */
  start(): void {
    this.stopped = false;
    const tick = () => {
      this.round = this.tryAcquireOrRenew().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.options.renewSeconds * 1000);
      });
    };
    tick();
  }

  /** Stops campaigning; a holder releases the Lease so a successor need not wait it out. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
    if (this.deadline) clearTimeout(this.deadline);
    this.holder = undefined;
    if (!this.leading) return;
    this.setLeading(false);
    try {
      const lease = await this.read();
      if (lease?.spec?.holderIdentity === this.options.identity) {
        lease.spec.holderIdentity = undefined;
        lease.spec.leaseDurationSeconds = 1;
        await this.bounded(
          this.api.replaceNamespacedLease({
            name: this.options.name,
            namespace: this.options.namespace,
            body: lease,
          }),
        );
      }
    } catch (error) {
      this.log.warn('could not release the Lease; a successor waits for it to expire', {
        reason: (error as Error).message,
      });
    }
  }

  /** One election round: acquire, renew or observe. Never throws. */
  async tryAcquireOrRenew(): Promise<void> {
    const { name, namespace, identity, durationSeconds } = this.options;
    // Measured before the write: candidates may see the new record before this call returns.
    const started = this.now();
    try {
      const lease = await this.read();
      const nowIso = new Date();
      if (!lease) {
        await this.bounded(
          this.api.createNamespacedLease({
            namespace,
            body: {
              metadata: { name, namespace },
              spec: {
                holderIdentity: identity,
                leaseDurationSeconds: durationSeconds,
                acquireTime: nowIso,
                renewTime: nowIso,
                leaseTransitions: 0,
              },
            },
          }),
        );
        return this.renewed(started);
      }
      const spec = lease.spec ?? {};
      const holder = spec.holderIdentity ?? '';
      const record = `${holder}|${lease.metadata?.resourceVersion ?? ''}`;
      if (this.observed?.record !== record) this.observed = { record, at: this.now() };
      const held = holder !== '' && holder !== identity;
      const heldFor = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
      this.holder = holder || undefined;
      if (held && this.now() - this.observed.at < heldFor) {
        this.sawOther = true;
        if (this.leading) this.setLeading(false);
        return;
      }
      lease.spec = {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        renewTime: nowIso,
        ...(holder === identity
          ? {}
          : { acquireTime: nowIso, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
      };
      await this.bounded(this.api.replaceNamespacedLease({ name, namespace, body: lease }));
      this.renewed(started);
    } catch (error) {
      this.holder = undefined;
      const conflict = error instanceof ApiException && error.code === 409;
      if (this.leading)
        this.log.warn('Lease renewal failed; stopping leading', {
          reason: conflict ? 'conflict: another candidate wrote the Lease' : describe(error),
        });
      else if (!conflict) this.log.debug('Lease acquisition failed', { reason: describe(error) });
      if (this.leading) this.setLeading(false);
    }
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.bounded(
        this.api.readNamespacedLease({
          name: this.options.name,
          namespace: this.options.namespace,
        }),
      );
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  /**
   * client-node sends API requests without a timeout: one on a dead connection would hold the
   * election (and stop()) until the OS gives up, minutes later. Each call gets one renew period;
   * a late answer is ignored, and the next round reads the Lease afresh.
   */
  private bounded<T>(request: Promise<T>): Promise<T> {
    const limitMs = this.options.renewSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the Kubernetes API did not answer within ${limitMs} ms`)),
        limitMs,
      );
    });
    return Promise.race([request, timeout]).finally(() => clearTimeout(timer));
  }

  private renewed(started: number): void {
    this.observed = undefined;
    this.holder = this.options.identity;
    if (this.deadline) clearTimeout(this.deadline);
    const left = this.options.durationSeconds * 1000 - (this.now() - started);
    this.deadline = setTimeout(() => {
      if (!this.leading) return;
      this.log.warn('the Lease was not renewed in time; stopping leading');
      this.setLeading(false);
    }, left);
    if (!this.leading) this.setLeading(true);
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    if (!leading && this.deadline) clearTimeout(this.deadline);
    this.log.info(leading ? 'leading: this instance imports' : 'not leading any more');
    if (leading) this.options.onStartedLeading({ takeover: this.sawOther });
    else {
      this.sawOther = true;
      this.options.onStoppedLeading();
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof ApiException) return `HTTP ${error.code}`;
  return error instanceof Error ? error.message : String(error);
}
