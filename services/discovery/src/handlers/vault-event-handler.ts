import { silentLogger, type Envelope, type Logger } from '@akv-replicator/core';
import { ack, type HandlerResult, type Publisher } from '@akv-replicator/bus';
import { publishTask } from '../reconcile/task-planner';
import type { TopologyResolver } from '../topology/topology-resolver';

/**
 * Near-real-time path: a new version in a source vault becomes one task per replica, routed by
 * region. The task id derives from the version, so Event Grid's duplicate deliveries and a
 * reconcile seeing the same change yield one task. Expiry events need no replication (expiry
 * is an attribute the reconcile copies) and are acknowledged.
 */
export function createVaultEventHandler(deps: {
  topology: TopologyResolver;
  publisher: Publisher;
  dryRun: boolean;
  /** `replication.historyMaxVersions`, for links with `history: enabledVersions`. */
  historyMaxVersions?: number;
  logger?: Logger;
}) {
  const log = deps.logger ?? silentLogger;
  return async (envelope: Envelope<'akv.vault.event.v1'>): Promise<HandlerResult> => {
    const event = envelope.data;
    if (!event.kind.endsWith('NewVersionCreated') || event.objectKind === 'key') {
      log.debug('vault event needs no replication', {
        kind: event.kind,
        vault: event.vault.name,
        objectName: event.objectName,
      });
      return ack();
    }
    const kind = event.objectKind === 'secret' ? 'secrets' : 'certificates';
    const { links } = await deps.topology.resolve();
    let tasks = 0;
    for (const link of links) {
      if (
        link.source.name.toLowerCase() !== event.vault.name.toLowerCase() ||
        !link.objectKinds.includes(kind)
      )
        continue;
      if (!link.nameFilter.decide({ name: event.objectName }).replicate) continue;
      const published = await publishTask(deps.publisher, {
        link,
        objectKind: event.objectKind === 'secret' ? 'secret' : 'certificate',
        objectName: event.objectName,
        drift: 'version',
        revision: event.version ?? `event:${event.eventId}`,
        ...(event.version ? { sourceVersion: event.version } : {}),
        trigger: { kind: 'event', id: event.eventId },
        dryRun: deps.dryRun,
        ...(deps.historyMaxVersions !== undefined
          ? { historyMaxVersions: deps.historyMaxVersions }
          : {}),
        ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
      });
      if (published) tasks++;
    }
    log.info(deps.dryRun ? 'dry run: vault event fanned out' : 'vault event fanned out', {
      vault: event.vault.name,
      objectName: event.objectName,
      kind: event.kind,
      tasks,
    });
    return ack();
  };
}
