import { recordReconcileFailure, type Envelope } from '@akv-replicator/core';
import { ack, type HandlerResult } from '@akv-replicator/bus';
import type { Reconciler } from '../reconcile/reconciler';

/** A manual resync: the same reconcile as the schedule, scoped to what the command names. */
export function createResyncHandler(deps: { reconciler: Reconciler; dryRun: boolean }) {
  return async (envelope: Envelope<'akv.resync.command.v1'>): Promise<HandlerResult> => {
    const command = envelope.data;
    try {
      await deps.reconciler.run({
        trigger: { kind: 'resync', id: command.resyncId },
        ...(command.vault ? { vault: command.vault } : {}),
        ...(command.objectName ? { objectName: command.objectName } : {}),
        dryRun: command.dryRun || deps.dryRun,
        objectKinds: command.objectKinds,
        ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
      });
    } catch (error) {
      // The bus retries it; the failed attempt still shows in akvr_reconcile_runs_total.
      recordReconcileFailure('resync');
      throw error;
    }
    return ack();
  };
}
