import type { Attributes } from '@opentelemetry/api';
import type { AnyEnvelope, Envelope } from '../messages/envelope';
import { instruments } from './instruments';

/** How a reconcile names what it found, in the words of the drift metric. */
const DRIFT_STATE: Readonly<Record<string, 'drifted' | 'missing' | 'orphaned'>> = {
  missing: 'missing',
  version: 'drifted',
  attributes: 'drifted',
  'deleted-at-source': 'orphaned',
};

/**
 * Domain metrics read from the messages themselves, once, where the bus accepted them: worker
 * outcomes give tasks, lag and resync progress; planning outcomes give reconcile runs; tasks a
 * reconcile or resync planned give drift. No service has to remember to count. Duplicates (the
 * broker dropped them) count nothing.
 */
export function recordPublished(envelope: Envelope | AnyEnvelope, duplicate: boolean): void {
  const m = instruments();
  if (duplicate) return;
  switch (envelope.type) {
    case 'akv.outcome.v1': {
      const o = (envelope as Envelope<'akv.outcome.v1'>).data;
      const region = o.replica?.region ?? 'none';
      const kind = o.objectKind ?? 'none';
      if (o.taskId !== undefined) {
        m.tasks.add(1, { service: o.service, kind, action: o.action, outcome: o.status, region });
        if (o.trigger?.kind === 'resync') m.resyncDone.add(1);
      }
      if (o.lagMs !== undefined)
        m.replicationLag.record(o.lagMs / 1000, { link: o.link ?? 'none', region, kind });
      if (o.action === 'reconcile-planned' && o.trigger) {
        m.reconcileRuns.add(1, { trigger: o.trigger.kind, outcome: o.status });
        const planned = o.counts?.tasks;
        if (o.trigger.kind === 'resync' && planned) m.resyncPlanned.add(planned);
      }
      return;
    }
    case 'akv.secret.task.v1':
    case 'akv.certificate.task.v1': {
      const t = (envelope as Envelope<'akv.secret.task.v1'>).data;
      const state = DRIFT_STATE[t.drift];
      if (t.trigger.kind === 'event' || state === undefined) return;
      m.reconcileDrift.add(1, { link: t.link, region: t.replica.region, state });
      return;
    }
    default:
      return;
  }
}

/** A reconcile that failed as a whole (no planning outcome was published for it). */
export function recordReconcileFailure(trigger: 'reconcile' | 'resync'): void {
  instruments().reconcileRuns.add(1, { trigger, outcome: 'failure' });
}

export type IngressEventOutcome = 'accepted' | 'duplicate' | 'rejected' | 'filtered';

/**
 * Events at the ingress, by input (webhook, eventhubs, servicebus-queue): accepted (on the
 * bus), duplicate (the broker had it already), filtered (not a change we replicate), rejected
 * (malformed, or a delivery refused before its events were read: counted once).
 */
export function recordIngressEvent(input: string, outcome: IngressEventOutcome, count = 1): void {
  if (count > 0) instruments().ingressEvents.add(count, { input, outcome });
}

/**
 * A request the ingress refused: endpoint (eventgrid, resync), HTTP status and a cause from a
 * closed vocabulary (wrong-shared-secret, token-audience, malformed-delivery, …). Event Grid
 * never retries these, so each is an event lost until the next reconcile — except a 503
 * (key-endpoint-unavailable: the token could not be checked), which it retries.
 */
export function recordIngressRefusal(endpoint: string, status: number, cause: string): void {
  instruments().ingressRefused.add(1, { endpoint, status: String(status), cause });
}

/** One Key Vault request's result: an HTTP status, or undefined when no response came. */
export function recordKeyVaultRequest(vault: string, status: number | undefined): void {
  const statusClass = status === undefined ? 'error' : `${Math.floor(status / 100)}xx`;
  const m = instruments();
  m.keyVaultRequests.add(1, { vault, status_class: statusClass });
  if (status === 429) m.keyVaultThrottled.add(1, { vault });
}

/** Time a vault's callers are held back after a 429. */
export function recordKeyVaultBackoff(vault: string, delayMs: number): void {
  instruments().keyVaultBackoff.add(delayMs / 1000, { vault });
}

/**
 * What a span may say about a message: names of vaults, objects, links and regions, kinds,
 * actions and outcomes — never values, reasons or anything read from a vault's payload.
 */
export function envelopeAttributes(envelope: Envelope | AnyEnvelope): Attributes {
  const attributes: Attributes = { 'akvr.message.type': envelope.type };
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined) attributes[key] = value;
  };
  switch (envelope.type) {
    case 'akv.vault.event.v1': {
      const e = (envelope as Envelope<'akv.vault.event.v1'>).data;
      put('akvr.vault', e.vault.name);
      put('akvr.object.name', e.objectName);
      put('akvr.object.kind', e.objectKind);
      put('akvr.event.kind', e.kind);
      break;
    }
    case 'akv.resync.command.v1': {
      const c = (envelope as Envelope<'akv.resync.command.v1'>).data;
      put('akvr.vault', c.vault);
      put('akvr.object.name', c.objectName);
      put('akvr.resync.id', c.resyncId);
      break;
    }
    case 'akv.secret.task.v1':
    case 'akv.certificate.task.v1': {
      const t = (envelope as Envelope<'akv.secret.task.v1'>).data;
      put('akvr.vault', t.source.name);
      put('akvr.object.name', t.objectName);
      put('akvr.object.kind', envelope.type === 'akv.secret.task.v1' ? 'secret' : 'certificate');
      put('akvr.link', t.link);
      put('akvr.replica.vault', t.replica.name);
      put('akvr.region', t.replica.region);
      put('akvr.trigger', t.trigger.kind);
      put('akvr.drift', t.drift);
      break;
    }
    case 'akv.outcome.v1': {
      const o = (envelope as Envelope<'akv.outcome.v1'>).data;
      put('akvr.vault', o.source?.name);
      put('akvr.object.name', o.objectName);
      put('akvr.object.kind', o.objectKind);
      put('akvr.link', o.link);
      put('akvr.replica.vault', o.replica?.name);
      put('akvr.region', o.replica?.region);
      put('akvr.service', o.service);
      put('akvr.action', o.action);
      put('akvr.outcome', o.status);
      break;
    }
  }
  return attributes;
}
