import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OutcomeData } from '@akv-replicator/core';
import { MAX_CHANGE_ROWS, planRows, planTable } from './resync-plan';

const at = new Date(0).toISOString();
const worker = (objectName: string, replica: string, action: string, reason?: string) =>
  ({
    outcomeId: `${objectName}-${replica}`,
    status: 'success',
    action,
    service: 'replicator',
    objectKind: 'secret',
    objectName,
    replica: { name: replica, region: 'northeurope' },
    dryRun: true,
    at,
    ...(reason ? { reason } : {}),
  }) as OutcomeData;

describe('resync plan', () => {
  const outcomes: OutcomeData[] = [
    worker('db', 'kv-eus', 'would-update', 'dry run: would update db in kv-eus'),
    worker('api', 'kv-neu', 'would-create', 'dry run: would create api in kv-neu'),
    worker('db', 'kv-neu', 'unchanged'),
    {
      outcomeId: 'v',
      status: 'warning',
      action: 'would-create',
      service: 'discovery',
      link: 'demo',
      reason: 'kv-new: dry run: would create replica vault kv-new in resource group rg',
      dryRun: true,
      at,
    },
    {
      outcomeId: 'p',
      status: 'success',
      action: 'reconcile-planned',
      service: 'discovery',
      dryRun: true,
      at,
    },
  ];

  it('has one row per object and replica (and per vault discovery reports), sorted', () => {
    assert.deepEqual(
      planRows(outcomes).map((r) => [r.object, r.kind, r.replica, r.action]),
      [
        ['(link demo)', 'vault', 'kv-new', 'would-create'],
        ['api', 'secret', 'kv-neu', 'would-create'],
        ['db', 'secret', 'kv-eus', 'would-update'],
        ['db', 'secret', 'kv-neu', 'unchanged'],
      ],
    );
  });

  it('prints an aligned table of object, replica, action and reason', () => {
    const table = planTable(planRows(outcomes), { dryRun: true });
    assert.equal(table[0], 'plan (dry run, nothing was written):');
    assert.match(table[1]!, /^OBJECT +KIND +REPLICA +ACTION +REASON$/);
    assert.match(
      table[3]!,
      /^api +secret +kv-neu +would-create +dry run: would create api in kv-neu$/,
    );
    const column = table[1]!.indexOf('ACTION');
    for (const line of table.slice(2))
      assert.match(line.slice(column - 2), /^ {2}(! |✗ )?(would-|unchanged)/, line);
    assert.match(table[2]!, /^\(link demo\) +vault +kv-new +! would-create/);
  });

  it('lists only changes in a real run, bounded, and says when there were none', () => {
    const many = Array.from({ length: MAX_CHANGE_ROWS + 5 }, (_, i) =>
      worker(`s-${String(i).padStart(3, '0')}`, 'kv-neu', 'created'),
    );
    const table = planTable(planRows([...many, worker('x', 'kv-neu', 'unchanged')]), {
      dryRun: false,
    });
    assert.equal(table.length, 2 + MAX_CHANGE_ROWS + 1);
    assert.equal(table.at(-1), '… and 5 more (--json lists all)');
    assert.ok(!table.some((l) => l.includes('unchanged')));
    assert.deepEqual(planTable(planRows([worker('x', 'kv-neu', 'unchanged')]), { dryRun: false }), [
      'changes: none',
    ]);
  });
});
