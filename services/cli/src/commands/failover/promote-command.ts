import { promotionTags, type Promotion } from '@akv-replicator/keyvault';
import type { CliIo } from '../../io';
import { guard } from './command-guard';
import type { FailoverOptions } from './failover-options';
import {
  FailoverRefusal,
  NOT_ANNOUNCED,
  findDirection,
  openFailoverContext,
} from './failover-context';
import { adoptServedCopies } from './promote-adopt';

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
      context.storesFor(link.replica, link),
      context.links
        .filter((l) => l.name === link.name && serves.includes(l.replica.name))
        .map((l) => context.storesFor(l.replica, l)),
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
      if (!announced) io.out(NOT_ANNOUNCED);
    }
    return adoption.failed.length > 0 ? 1 : 0;
  });
}
