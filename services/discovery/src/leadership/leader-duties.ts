import { Cron } from 'croner';
import {
  SUBSCRIPTIONS,
  TOPICS,
  type Config,
  type Envelope,
  type Logger,
} from '@akv-replicator/core';
import { reject, type Bus, type HandlerResult, type Subscription } from '@akv-replicator/bus';
import type { DeadLetterWatcher } from '../dead-letters/dead-letter-watcher';
import type { LeaderDuties } from './discovery-leadership';

export interface LeaderDutiesDeps {
  readonly bus: Bus;
  readonly reconcile: Config['replication']['reconcile'];
  readonly onEvent: (envelope: Envelope<'akv.vault.event.v1'>) => Promise<HandlerResult>;
  readonly onResync: (envelope: Envelope<'akv.resync.command.v1'>) => Promise<HandlerResult>;
  /** One scheduled-style reconcile; never throws (failures are logged and counted). */
  readonly reconcileNow: () => Promise<void>;
  readonly deadLetters: DeadLetterWatcher;
  readonly logger: Logger;
}

/**
 * Discovery's leader duties. A follower holds no subscription at all: on the shared
 * `discovery` subscription (competing consumers) it would otherwise take vault events and
 * resync commands it must not plan. Messages wait in the broker for the leader; a message
 * being handled when the lease is lost fails its publish (NotLeaderError) and is redelivered.
 */
export function createLeaderDuties(deps: LeaderDutiesDeps): LeaderDuties {
  const subscriptions: Subscription[] = [];
  let schedule: Cron | undefined;
  let initial: Promise<unknown> | undefined;
  let firstTerm = true;

  return {
    async begin({ takeover }) {
      subscriptions.push(
        await deps.bus.subscribe(
          TOPICS.vaultEvents,
          { subscription: SUBSCRIPTIONS.discovery },
          async (envelope) =>
            envelope.type === 'akv.vault.event.v1'
              ? deps.onEvent(envelope as Envelope<'akv.vault.event.v1'>)
              : reject(`unexpected ${envelope.type} on ${TOPICS.vaultEvents}`),
        ),
        await deps.bus.subscribe(
          TOPICS.resyncCommands,
          { subscription: SUBSCRIPTIONS.discovery, concurrency: 1 },
          async (envelope) =>
            envelope.type === 'akv.resync.command.v1'
              ? deps.onResync(envelope as Envelope<'akv.resync.command.v1'>)
              : reject(`unexpected ${envelope.type} on ${TOPICS.resyncCommands}`),
        ),
      );
      if (!deps.reconcile.suspend) {
        // protect: a reconcile still running when the next is due is not started twice.
        schedule = new Cron(deps.reconcile.schedule, { protect: true }, deps.reconcileNow);
      }
      // A takeover reconciles whatever reconcile.onStart says: the previous leader may have
      // died mid-reconcile, and events published in the gap were planned by no one.
      if ((firstTerm && deps.reconcile.onStart) || takeover) initial = deps.reconcileNow();
      firstTerm = false;
      deps.deadLetters.start();
    },
    async end() {
      schedule?.stop();
      schedule = undefined;
      await deps.deadLetters.stop();
      // After a loss its publishes fail, so it ends soon.
      await initial;
      initial = undefined;
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
    },
  };
}
