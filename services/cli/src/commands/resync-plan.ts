import type { OutcomeData } from '@akv-replicator/core';

/** Rows a dry run's plan table shows before pointing at `--json` for the rest. */
export const MAX_PLAN_ROWS = 1000;
/** Rows of changes a real resync lists (the summary counts them all). */
export const MAX_CHANGE_ROWS = 50;

/** One line of a resync's plan (dry run) or of what it did: an object in a replica. */
export interface PlanRow {
  readonly object: string;
  readonly kind: string;
  readonly replica: string;
  readonly action: string;
  readonly status: OutcomeData['status'];
  readonly reason: string;
}

/**
 * The per-object rows of one resync, from its outcomes: each worker outcome (one per object and
 * replica), and discovery's per-vault ones (a replica vault a dry run would create, links that
 * failed or were refused). Sorted by object, then replica, so two runs compare line by line.
 */
export function planRows(outcomes: readonly OutcomeData[]): PlanRow[] {
  return outcomes
    .filter((o) => o.action !== 'reconcile-planned')
    .map((o) => ({
      object: o.objectName ?? (o.service === 'discovery' ? `(link ${o.link ?? '?'})` : '?'),
      kind: o.objectKind ?? (o.service === 'discovery' ? 'vault' : '?'),
      replica: o.replica?.name ?? vaultOf(o.reason) ?? '',
      action: o.action,
      status: o.status,
      reason: o.reason ?? o.code ?? '',
    }))
    .sort(
      (a, b) =>
        a.object.localeCompare(b.object) ||
        a.replica.localeCompare(b.replica) ||
        a.kind.localeCompare(b.kind),
    );
}

/**
 * The rows as an aligned table (object, replica, action, reason). Real runs list only what
 * changed something (`unchanged` is left to the summary); at most `limit` rows.
 */
export function planTable(rows: readonly PlanRow[], options: { dryRun: boolean }): string[] {
  const shown = options.dryRun ? rows : rows.filter((r) => r.action !== 'unchanged');
  const limit = options.dryRun ? MAX_PLAN_ROWS : MAX_CHANGE_ROWS;
  if (shown.length === 0) return [options.dryRun ? 'plan: nothing to do' : 'changes: none'];
  const header = ['OBJECT', 'KIND', 'REPLICA', 'ACTION', 'REASON'];
  const cells = shown
    .slice(0, limit)
    .map((r) => [r.object, r.kind, r.replica, statusMark(r) + r.action, r.reason]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    options.dryRun ? 'plan (dry run, nothing was written):' : 'changes:',
    line(header),
    ...cells.map(line),
    ...(shown.length > limit ? [`… and ${shown.length - limit} more (--json lists all)`] : []),
  ];
}

const statusMark = (row: PlanRow) =>
  row.status === 'failure' ? '✗ ' : row.status === 'warning' ? '! ' : '';

/** Discovery's vault-level reasons start with the vault they concern (`kv-x: …`). */
function vaultOf(reason: string | undefined): string | undefined {
  return /^([a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]): /.exec(reason ?? '')?.[1];
}
