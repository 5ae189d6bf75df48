import { ConfigError, isReplicatorError } from '@akv-replicator/core';
import { PROMOTION_TAGS, promotionTags, type Promotion } from '@akv-replicator/keyvault';
import type { CliIo } from '../../io';
import { applyFailback } from './failback-apply';
import { isApplied, planFailback } from './failback-plan';
import { planFailover } from './failover-plan';
import { gapsFromStatusBoard, type BoardGap } from './status-board-gaps';
import { adoptServedCopies } from './promote-adopt';
import { FailoverRefusal, findDirection, openFailoverContext } from './failover-context';

export interface FailoverOptions {
  readonly config: string;
  readonly to: string;
  readonly link?: string;
  readonly json?: boolean;
}

/** `failover plan`'s fallback when the source does not answer: discovery's status endpoint. */
export interface PlanOptions extends FailoverOptions {
  readonly statusUrl?: string;
  /** Environment variable holding the status endpoint's bearer token. */
  readonly statusTokenEnv?: string;
}

const iso = (seconds: number | undefined) =>
  seconds === undefined ? 'never' : new Date(seconds * 1000).toISOString();

/**
 * `failover plan --to <replica>`: what the replica lacks or holds older than its source, i.e.
 * what switching now would lose, and the change promote would make. Exit 0: nothing would be
 * lost; 1: something would, or the source does not answer so it cannot be told; 2: usage.
 */
export async function failoverPlanCommand(options: PlanOptions, io: CliIo): Promise<number> {
  return guard('failover plan', io, async () => {
    const context = await openFailoverContext(options.config, io);
    const link = findDirection(context.links, options.to, options);
    const plan = await planFailover(context.storeFor(link.source), context.storeFor(link.replica));
    let board: { gaps: BoardGap[]; truncated: boolean } | undefined;
    let boardError: string | undefined;
    if (!plan.sourceAnswered && options.statusUrl) {
      const token = io.env[options.statusTokenEnv ?? 'AKV_REPLICATOR_STATUS_TOKEN'];
      board = await gapsFromStatusBoard(
        { url: options.statusUrl, ...(token ? { token } : {}) },
        link.source.name,
        link.replica.name,
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
      io.out(`replica holds source writes up to ${iso(plan.replicaCurrentTo)}`);
      if (plan.sourceAnswered) {
        io.out(`in sync: ${plan.inSync}; would be lost by switching now: ${plan.gaps.length}`);
        for (const gap of plan.gaps)
          io.out(`  ${gap.gap.padEnd(8)} ${gap.name} (source write ${iso(gap.sourceUpdated)})`);
      } else {
        io.out(`source ${link.source.name} does not answer (${plan.sourceError})`);
        if (board) {
          io.out(
            `from the last status: ${board.gaps.length} not in sync${board.truncated ? ' (first 500 shown)' : ''}`,
          );
          for (const gap of board.gaps)
            io.out(
              `  ${gap.state.padEnd(8)} ${gap.name}${gap.since ? ` (since ${gap.since})` : ''}`,
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

/**
 * `failover promote --to <replica> [--as-source]`: records the promotion as ARM tags on the
 * replica (ADR 0020); every discovery sees it at its next topology refresh. Exit 0 promoted,
 * 1 refused (already promoted, ARM failed), 2 usage.
 */
export async function failoverPromoteCommand(
  options: FailoverOptions & { asSource?: boolean },
  io: CliIo,
): Promise<number> {
  return guard('failover promote', io, async () => {
    const context = await openFailoverContext(options.config, io);
    const link = findDirection(context.links, options.to, options);
    const vault = await context.armVault(link.replica);
    const existing = await context.promotionOf(link.replica);
    if (existing)
      throw new FailoverRefusal(
        `${vault.name} is already promoted from ${existing.from} (at ${existing.at}); fail back first`,
      );
    const serves = options.asSource
      ? context.links
          .filter(
            (l) =>
              l.name === link.name &&
              l.source.name === link.source.name &&
              l.replica.name.toLowerCase() !== vault.name.toLowerCase(),
          )
          .map((l) => l.replica.name)
      : [];
    const promotion: Promotion = { from: link.source.name, at: new Date().toISOString(), serves };
    await context.directory.updateVaultTags(vault, { set: promotionTags(promotion) });
    // After the tags: from here on nothing from the old source is planned into the served copies.
    const adoption = await adoptServedCopies(
      context.storeFor(link.replica),
      context.links
        .filter((l) => l.name === link.name && serves.includes(l.replica.name))
        .map((l) => context.storeFor(l.replica)),
    );
    const reason = `${vault.name} promoted to replace ${link.source.name}${serves.length ? `; it is now the source of ${serves.join(', ')}` : ''}`;
    const announced = await context.announce({
      action: 'promoted',
      code: 'VaultPromoted',
      link: link.name,
      reason,
    });
    const refreshSeconds = context.loaded.config.replication.topologyRefreshSeconds;
    if (options.json)
      io.out(
        JSON.stringify({
          link: link.name,
          vault: vault.name,
          ...promotion,
          announced,
          adopted: adoption.adopted,
          adoptionFailed: adoption.failed,
        }),
      );
    else {
      io.out(reason);
      if (serves.length > 0)
        io.out(
          `adopted ${adoption.adopted} copies in ${serves.join(', ')} as copies of ${vault.name}`,
        );
      for (const f of adoption.failed) io.out(`  not adopted ${f.name}: ${f.reason}`);
      if (context.loaded.config.replication.overwriteUnowned)
        // Tasks planned before the promotion may still be queued; with overwriteUnowned the
        // ownership guard would not stop them overwriting what applications write (ADR 0020).
        io.out(
          `replication.overwriteUnowned is on: wait until the replicators' queues for ${vault.name} are empty before switching applications`,
        );
      io.out(
        `discovery applies it within ${refreshSeconds} s (replication.topologyRefreshSeconds) or at its next reconcile; switch applications to ${vault.name} after that`,
      );
    }
    return adoption.failed.length > 0 ? 1 : 0;
  });
}

/**
 * `failover failback --to <original source> [--dry-run] [--force]`: the drift-checked plan of
 * what changed in the promoted vault, its replication back into the original source, then the
 * promotion tags are removed and the original direction resumes. Exit 0 done (or the dry run's
 * plan has no conflict); 1 conflicts skipped, or failures (the promotion is then kept); 2 usage.
 */
export async function failoverFailbackCommand(
  options: FailoverOptions & { dryRun?: boolean; force?: boolean },
  io: CliIo,
): Promise<number> {
  return guard('failover failback', io, async () => {
    const context = await openFailoverContext(options.config, io);
    const candidates = [];
    for (const l of context.links.filter(
      (l) =>
        l.source.name.toLowerCase() === options.to.toLowerCase() &&
        (!options.link || l.name === options.link),
    )) {
      const promotion = await context.promotionOf(l.replica).catch(() => undefined);
      if (promotion?.from.toLowerCase() === l.source.name.toLowerCase())
        candidates.push({ link: l, promotion });
    }
    if (candidates.length !== 1)
      throw new FailoverRefusal(
        candidates.length === 0
          ? `no vault is promoted from ${options.to}${options.link ? ` in link ${options.link}` : ''}`
          : `several vaults are promoted from ${options.to} (${candidates.map((c) => c.link.replica.name).join(', ')}); name the link with --link`,
        2,
      );
    const { link, promotion } = candidates[0]!;
    const promotedAt = Math.floor(Date.parse(promotion.at) / 1000);
    if (!Number.isFinite(promotedAt))
      throw new FailoverRefusal(
        `${link.replica.name}: unreadable promoted-at tag "${promotion.at}"`,
      );
    const stores = {
      promoted: context.storeFor(link.replica),
      original: context.storeFor(link.source),
      served: context.links
        .filter(
          (l) =>
            l.name === link.name &&
            promotion.serves.some((n) => n.toLowerCase() === l.replica.name.toLowerCase()),
        )
        .map((l) => context.storeFor(l.replica)),
    };
    const plan = await planFailback({ ...stores, promotedAt });
    const conflicts = plan.filter((e) => e.change === 'conflict');
    const printPlan = () => {
      io.out(`failback ${link.replica.name} → ${link.source.name} (promoted ${promotion.at})`);
      for (const e of plan.filter((e) => e.change !== 'in-sync'))
        io.out(
          `  ${e.change.padEnd(14)} ${e.name}: ${e.reason}${e.change === 'conflict' ? (options.force ? ' (--force: applied)' : ' (skipped; --force applies it)') : ''}`,
        );
      io.out(`  in sync: ${plan.filter((e) => e.change === 'in-sync').length}`);
    };
    if (options.dryRun) {
      if (options.json)
        io.out(
          JSON.stringify({
            link: link.name,
            plan: plan.map(({ promoted: _p, original: _o, ...e }) => e),
          }),
        );
      else printPlan();
      return conflicts.length > 0 && !options.force ? 1 : 0;
    }
    const result = await applyFailback(plan, stores, { force: options.force ?? false });
    if (result.failed.length === 0) {
      await context.directory.updateVaultTags(await context.armVault(link.replica), {
        remove: [...PROMOTION_TAGS],
      });
      await context.announce({
        action: 'failed-back',
        code: 'FailbackDone',
        link: link.name,
        reason: `${link.source.name} is the source again; ${result.applied.length} change(s) carried back from ${link.replica.name}`,
      });
    }
    if (options.json)
      io.out(
        JSON.stringify({
          link: link.name,
          ...result,
          skippedConflicts: options.force ? [] : conflicts.map((c) => c.name),
          resumed: result.failed.length === 0,
        }),
      );
    else {
      printPlan();
      io.out(
        `applied ${result.applied.length}, re-tagged ${result.retagged} copies in served replicas`,
      );
      for (const f of result.failed) io.out(`  failed ${f.name}: ${f.reason}`);
      io.out(
        result.failed.length === 0
          ? `promotion removed: ${link.source.name} → ${link.replica.name} resumes at discovery's next topology refresh`
          : 'promotion kept: fix the failures and run failback again (it re-plans from both vaults)',
      );
    }
    const skipped =
      !options.force && plan.some((e) => e.change === 'conflict' && !isApplied(e, false));
    return result.failed.length > 0 || skipped ? 1 : 0;
  });
}

async function guard(name: string, io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof FailoverRefusal) {
      io.err(`${name}: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof ConfigError || isReplicatorError(error)) {
      io.err(`${name}: ${error.message}`);
      return error instanceof ConfigError ? 2 : 1;
    }
    throw error;
  }
}
