import { PROMOTION_TAGS } from '@akv-replicator/keyvault';
import type { CliIo } from '../../io';
import { guard } from './command-guard';
import { applyFailback } from './failback-apply';
import { isApplied, planFailback } from './failback-plan';
import type { FailoverOptions } from './failover-options';
import { FailoverRefusal, NOT_ANNOUNCED, openFailoverContext } from './failover-context';

/**
 * `failover failback --to <original source> [--dry-run] [--force]`: the drift-checked plan of
 * what changed in the promoted vault (secrets and certificates, as the link replicates them), its
 * replication back into the original source, then the promotion tags are removed and the
 * original direction resumes. Exit 0 done (or the dry run's
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
      promoted: context.storesFor(link.replica, link),
      original: context.storesFor(link.source, link),
      served: context.links
        .filter(
          (l) =>
            l.name === link.name &&
            promotion.serves.some((n) => n.toLowerCase() === l.replica.name.toLowerCase()),
        )
        .map((l) => context.storesFor(l.replica, l)),
    };
    const plan = await planFailback({ ...stores, promotedAt });
    const conflicts = plan.filter((e) => e.change === 'conflict');
    const printPlan = () => {
      io.out(`failback ${link.replica.name} → ${link.source.name} (promoted ${promotion.at})`);
      for (const e of plan.filter((e) => e.change !== 'in-sync'))
        io.out(
          `  ${e.change.padEnd(14)} ${nameOf(e)}: ${e.reason}${e.change === 'conflict' ? (options.force ? ' (--force: applied)' : ' (skipped; --force applies it)') : ''}`,
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
    let announced = false;
    const result = await applyFailback(plan, stores, { force: options.force ?? false });
    if (result.failed.length === 0) {
      await context.directory.updateVaultTags(await context.armVault(link.replica), {
        remove: [...PROMOTION_TAGS],
      });
      announced = await context.announce({
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
      for (const f of result.failed) io.out(`  failed ${nameOf(f)}: ${f.reason}`);
      io.out(
        result.failed.length === 0
          ? `promotion removed: ${link.source.name} → ${link.replica.name} resumes at discovery's next topology refresh`
          : 'promotion kept: fix the failures and run failback again (it re-plans from both vaults)',
      );
      if (result.failed.length === 0 && !announced) io.out(NOT_ANNOUNCED);
    }
    const skipped =
      !options.force && plan.some((e) => e.change === 'conflict' && !isApplied(e, false));
    return result.failed.length > 0 || skipped ? 1 : 0;
  });
}

/** Secrets by name, as they always were printed; certificates marked. */
const nameOf = (entry: { kind: string; name: string }) =>
  entry.kind === 'certificate' ? `${entry.name} (certificate)` : entry.name;
