import type { OutcomeData } from './data';

interface Advice {
  readonly matches: RegExp;
  readonly advice: (outcome: OutcomeData) => string;
}

// Matched against `code` first, then `reason`: worker codes are not a closed set, so the
// advice keys on the words Key Vault, ARM and our own errors use.
const ADVICE: readonly Advice[] = [
  {
    // Before the 401/403 entry: the ingress refused Event Grid, no vault identity is involved.
    matches: /^IngressDeliveryRefused$/,
    advice: () =>
      'Event Grid does not retry a refused delivery, so these changes wait for the next reconcile: fix what the reason names (the event subscription or the ingress settings), then request a resync of the affected vaults.',
  },
  {
    matches: /forbidden|\b403\b|unauthori[sz]ed|\b401\b|access ?denied|authorization/i,
    advice: () =>
      'Check the identity used for this link: it needs read access (e.g. "Key Vault Secrets User") on the source vault and write access (e.g. "Key Vault Secrets Officer" / "Certificates Officer") on the replica vault, and the vault firewall must admit it.',
  },
  {
    matches: /throttl|\b429\b|too ?many ?requests/i,
    advice: () =>
      'Key Vault is throttling requests; the task is retried with backoff. If this keeps happening, lower the replication rate limit or spread out resyncs.',
  },
  {
    matches: /soft.?delet|deleted ?but ?recoverable|purge/i,
    advice: (o) =>
      `An object named ${o.objectName ?? 'like this'} is soft-deleted in the replica vault: recover or purge it there, then resync the object.`,
  },
  {
    matches: /not.?owned|provenance|ownership|foreign/i,
    advice: () =>
      'The replica object was not written by akv-replicator (no provenance tag), so it was left untouched. Remove or rename it, or opt in to overwriting unowned objects for this link.',
  },
  {
    matches: /delete.?guard|circuit|mass.?delet/i,
    advice: () =>
      'Deletion was stopped by the mass-deletion guard. Verify the source vault listing is complete and intended before allowing deletions for this link.',
  },
  {
    matches: /not.?exportable|exportable/i,
    advice: () =>
      'The certificate key is not exportable, so it cannot be copied. Re-issue it with an exportable key policy, or issue a separate certificate in the replica region.',
  },
  {
    matches: /vault.?not.?found|not.?found|\b404\b/i,
    advice: () =>
      'The vault or object was not found: check the vault names of this link and that the replica vault exists (or enable automatic creation).',
  },
  {
    matches: /disabled/i,
    advice: () =>
      'The source object is disabled, so its value cannot be read. Enable it at the source if it should be replicated; otherwise nothing to do.',
  },
  {
    matches: /timeout|timed out|unavailable|network|econn|\b50[234]\b/i,
    advice: () =>
      'A transient network or service error: the task is retried. If it persists, check connectivity to the vault and Azure service health.',
  },
];

/**
 * What a person should do about an outcome, in one sentence; undefined for successes.
 */
export function nextStep(outcome: OutcomeData): string | undefined {
  if (outcome.status === 'success') return undefined;
  for (const text of [outcome.code, outcome.reason]) {
    if (!text) continue;
    const match = ADVICE.find((entry) => entry.matches.test(text));
    if (match) return match.advice(outcome);
  }
  if (outcome.status === 'warning') {
    return 'Review the reason; replication continues. Act only if this is not expected.';
  }
  const target = outcome.objectName
    ? `${outcome.objectKind ?? 'object'} ${outcome.objectName} in vault ${outcome.source?.name ?? '?'}`
    : `vault ${outcome.source?.name ?? '?'}`;
  const task = outcome.taskId ? ` (task ${outcome.taskId})` : '';
  return `Look up this failure in the ${outcome.service} logs${task}, fix the cause, then request a resync of ${target}.`;
}
