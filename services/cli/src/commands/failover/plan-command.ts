import { PROMOTION_TAGS } from '@akv-replicator/keyvault';
import type { CliIo } from '../../io';
import { guard, iso } from './command-guard';
import type { PlanOptions } from './failover-options';
import { findDirection, openFailoverContext } from './failover-context';
import { planFailover } from './failover-plan';
import { gapsFromStatusBoard, type BoardGap } from './status-board-gaps';

/**
 * `failover plan --to <replica>`: what the replica lacks or holds older than its source, i.e.
 * what switching now would lose, and the change promote would make. Exit 0: nothing would be
 * lost; 1: something would, or the source does not answer so it cannot be told; 2: usage.
 */
export async function failoverPlanCommand(options: PlanOptions, io: CliIo): Promise<number> {
  return guard('failover plan', io, async () => {
    const context = await openFailoverContext(options.config, io);
    const link = findDirection(context.links, options.to, options);
    const plan = await planFailover(
      context.storesFor(link.source, link),
      context.storesFor(link.replica, link),
      link.filter,
    );
    let board: { gaps: BoardGap[]; truncated: boolean } | undefined;
    let boardError: string | undefined;
    if (!plan.sourceAnswered && options.statusUrl) {
      const token = io.env[options.statusTokenEnv ?? 'AKV_REPLICATOR_STATUS_TOKEN'];
      board = await gapsFromStatusBoard(
        { url: options.statusUrl, ...(token ? { token } : {}) },
        link.source.name,
        link.replica.name,
        plan.kinds,
      ).catch((error: unknown) => {
        boardError = (error as Error).message;
        return undefined;
      });
    }
    const change = `promote would tag ${link.replica.name} with ${PROMOTION_TAGS[0]}=${link.source.name}: nothing replicates from ${link.source.name} into it until failback`;
    if (options.json)
      io.out(
        JSON.stringify({
          link: link.name,
          ...plan,
          ...(board ? { lastStatus: board } : {}),
          ...(boardError ? { lastStatusError: boardError } : {}),
          change,
        }),
      );
    else {
      io.out(`link ${link.name}: ${link.source.name} → ${link.replica.name}`);
      io.out(`compared: ${plan.kinds.map((kind) => `${kind}s`).join(', ')}`);
      io.out(`replica holds source writes up to ${iso(plan.replicaCurrentTo)}`);
      if (plan.sourceAnswered) {
        io.out(
          `in sync: ${plan.inSync}; left out by the link's filters: ${plan.filtered}; would be lost by switching now: ${plan.gaps.length}`,
        );
        for (const gap of plan.gaps)
          io.out(
            `  ${gap.gap.padEnd(8)} ${gap.kind.padEnd(11)} ${gap.name} (source write ${iso(gap.sourceUpdated)})`,
          );
      } else {
        io.out(`source ${link.source.name} does not answer (${plan.sourceError})`);
        if (board) {
          io.out(
            `from the last status: ${board.gaps.length} not in sync${board.truncated ? ' (first 500 shown)' : ''}`,
          );
          for (const gap of board.gaps)
            io.out(
              `  ${gap.state.padEnd(8)} ${gap.kind.padEnd(11)} ${gap.name}${gap.since ? ` (since ${gap.since})` : ''}`,
            );
        } else
          io.out(
            boardError
              ? `the status board could not be read (${boardError}): what the replica lacks cannot be told`
              : 'what the replica lacks cannot be told from listings; give --status-url to ask the last status',
          );
      }
      io.out(change);
    }
    const knownComplete = plan.sourceAnswered
      ? plan.gaps.length === 0
      : board !== undefined && board.gaps.length === 0 && !board.truncated;
    return knownComplete ? 0 : 1;
  });
}
