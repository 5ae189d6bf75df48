import { nextStep, type OutcomeData } from '@akv-replicator/core';
import {
  countByStatus,
  worstFirst,
  worstStatus,
  type Digest,
  type ReportedOutcome,
} from '../notifier/digest';

/** How many outcomes a message lists one by one; the rest are counted. */
export const DEFAULT_MAX_LISTED_OUTCOMES = 20;
/**
 * Longest reason shown. Reasons come from workers and may quote whole service errors; cards
 * and messages have size limits (a Teams card about 28 KB, Slack 3,000 characters a section).
 */
export const MAX_REASON_CHARS = 1_000;

/** One outcome as a person reads it. Plain text: each channel escapes it for its markup. */
export interface OutcomeView {
  readonly status: OutcomeData['status'];
  /** e.g. `FAILURE: secret db-password → kv-dr-weu (westeurope)` */
  readonly headline: string;
  /** Labelled details in a fixed order; absent ones left out. */
  readonly facts: readonly (readonly [label: string, value: string])[];
  readonly why?: string;
  readonly next?: string;
}

/** One message: a title, a one-line summary, the listed outcomes and how many were left out. */
export interface DigestView {
  readonly status: OutcomeData['status'];
  readonly title: string;
  readonly summary: string;
  readonly items: readonly OutcomeView[];
  readonly omitted: number;
}

const STATUS_WORD = { success: 'SUCCESS', warning: 'WARNING', failure: 'FAILURE' } as const;

/** Builds what every channel renders from a digest. */
export function describeDigest(
  digest: Digest,
  maxListed = DEFAULT_MAX_LISTED_OUTCOMES,
): DigestView {
  const status = worstStatus(digest.items);
  const listed = worstFirst(digest.items).slice(0, maxListed).map(describeOutcome);
  return {
    status,
    title: digestTitle(digest),
    summary: digestSummary(digest),
    items: listed,
    omitted: digest.items.length - listed.length,
  };
}

export function describeOutcome(item: ReportedOutcome): OutcomeView {
  const o = item.outcome;
  const object = o.objectName
    ? `${o.objectKind ?? 'object'} ${o.objectName}`
    : (o.link ?? o.service);
  const replica = o.replica ? ` → ${o.replica.name} (${o.replica.region})` : '';
  const facts: [string, string][] = [];
  const add = (label: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') facts.push([label, value]);
  };
  add('What happened', `${o.action} (${o.status}${o.dryRun ? ', dry run' : ''})`);
  add('Link', o.link);
  add('Source vault', o.source ? vaultLabel(o.source.name, o.source.region) : undefined);
  add('Replica vault', o.replica ? vaultLabel(o.replica.name, o.replica.region) : undefined);
  add('Object', o.objectName ? `${o.objectKind ?? 'object'} ${o.objectName}` : undefined);
  add('Code', o.code);
  add('Trigger', o.trigger ? `${o.trigger.kind} ${o.trigger.id}` : undefined);
  add('Task', o.taskId);
  add('Service', o.service);
  add('At', o.at);
  if (item.suppressedRepeats > 0) {
    add('Repeats', `${item.suppressedRepeats} identical earlier report(s) held back`);
  }
  const next = nextStep(o);
  return {
    status: o.status,
    headline: `${STATUS_WORD[o.status]}: ${object}${replica}`,
    facts,
    ...(o.reason ? { why: shorten(o.reason, MAX_REASON_CHARS) } : {}),
    ...(next ? { next } : {}),
  };
}

function digestTitle(digest: Digest): string {
  const status = worstStatus(digest.items);
  const first = digest.items[0];
  if (digest.items.length === 1 && first) {
    return `akv-replicator ${status}: ${describeOutcome(first).headline.replace(/^\w+: /, '')}`;
  }
  const what =
    digest.kind === 'resync' ? `resync ${digest.resyncId ?? ''}`.trim() : 'replication digest';
  return `akv-replicator ${what}: ${digestSummary(digest)}`;
}

function digestSummary(digest: Digest): string {
  const counts = countByStatus(digest.items);
  const parts = [
    counts.failure > 0 ? `${counts.failure} failure${counts.failure === 1 ? '' : 's'}` : '',
    counts.warning > 0 ? `${counts.warning} warning${counts.warning === 1 ? '' : 's'}` : '',
    counts.success > 0 ? `${counts.success} success${counts.success === 1 ? '' : 'es'}` : '',
  ].filter(Boolean);
  const when =
    digest.openedAt === digest.closedAt
      ? `at ${digest.openedAt}`
      : `between ${digest.openedAt} and ${digest.closedAt}`;
  return `${parts.join(', ')} ${when}`;
}

function vaultLabel(name: string, region: string | undefined): string {
  return region ? `${name} (${region})` : name;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
