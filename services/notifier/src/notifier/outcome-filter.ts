import type { NotificationsConfig, OutcomeData } from '@akv-replicator/core';

/** Which outcome statuses a channel hears about (`notifications.events` or its own override). */
export interface EventSelection {
  readonly onSuccess: boolean;
  readonly onFailure: boolean;
  readonly onWarning: boolean;
}

/** A channel's filter as configured: its events (else the global ones), links and vaults. */
export interface ChannelFilterConfig {
  readonly events?: EventSelection | undefined;
  readonly links?: readonly string[] | undefined;
  readonly vaults?: readonly string[] | undefined;
}

/**
 * Builds the predicate deciding whether one outcome reaches one channel.
 *
 * - Status: the channel's `events` when set, else `notifications.events`.
 * - `links`: the outcome's link must be listed (an outcome without a link does not match).
 * - `vaults`: the source or the replica vault must be listed (case-insensitive, as Azure
 *   treats vault names).
 */
export function compileChannelFilter(
  channel: ChannelFilterConfig,
  globalEvents: NotificationsConfig['events'],
): (outcome: OutcomeData) => boolean {
  const events = channel.events ?? globalEvents;
  const links = channel.links ? new Set(channel.links) : undefined;
  const vaults = channel.vaults ? new Set(channel.vaults.map((v) => v.toLowerCase())) : undefined;
  return (outcome) => {
    if (!statusWanted(outcome.status, events)) return false;
    if (links && (outcome.link === undefined || !links.has(outcome.link))) return false;
    if (vaults) {
      const names = [outcome.source?.name, outcome.replica?.name]
        .filter((name): name is string => name !== undefined)
        .map((name) => name.toLowerCase());
      if (!names.some((name) => vaults.has(name))) return false;
    }
    return true;
  };
}

function statusWanted(status: OutcomeData['status'], events: EventSelection): boolean {
  switch (status) {
    case 'success':
      return events.onSuccess;
    case 'warning':
      return events.onWarning;
    case 'failure':
      return events.onFailure;
  }
}
