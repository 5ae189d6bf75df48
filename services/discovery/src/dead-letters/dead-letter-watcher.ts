import { randomUUID } from 'node:crypto';
import { TOPICS, createEnvelope, silentLogger, type Logger } from '@akv-replicator/core';
import type { Bus } from '@akv-replicator/bus';

/** How often dead-letter destinations are checked for new entries. */
export const DEFAULT_DEAD_LETTER_CHECK_MS = 30_000;
/** Entries read per topic and check; older ones were reported by earlier checks. */
const READ_LIMIT = 1000;
/** Topics whose dead letters become outcomes (not `outcomes` itself: that could loop). */
export const WATCHED_TOPICS = [
  TOPICS.vaultEvents,
  TOPICS.resyncCommands,
  TOPICS.secretTasks,
  TOPICS.certificateTasks,
] as const;

/**
 * DESIGN principle 9: a poison message must raise a notification, not sit silently in a
 * dead-letter queue. Reads each topic's dead letters periodically and publishes one failure
 * outcome per new entry, naming topic, subscription and reason (never the body).
 */
export class DeadLetterWatcher {
  private readonly seen = new Set<string>();
  /** Per topic: the newest broker sequence reported, so later reads skip what was seen. */
  private readonly cursors = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly log: Logger;

  constructor(private readonly options: { bus: Bus; intervalMs?: number; logger?: Logger }) {
    this.log = options.logger ?? silentLogger;
  }

  start(): void {
    this.timer ??= setInterval(
      () => void this.checkOnce(),
      this.options.intervalMs ?? DEFAULT_DEAD_LETTER_CHECK_MS,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Reports dead letters not reported before; returns how many. */
  checkOnce(): Promise<number> {
    this.running ??= this.check().finally(() => (this.running = undefined));
    return this.running;
  }

  private async check(): Promise<number> {
    let reported = 0;
    for (const topic of WATCHED_TOPICS) {
      let entries;
      try {
        const after = this.cursors.get(topic);
        entries = await this.options.bus.deadLetters(topic, {
          limit: READ_LIMIT,
          ...(after !== undefined ? { afterSequence: after } : {}),
        });
      } catch (error) {
        this.log.warn('cannot read dead letters', { topic, error: (error as Error).message });
        continue;
      }
      for (const entry of entries) {
        if (entry.sequence !== undefined)
          this.cursors.set(topic, Math.max(this.cursors.get(topic) ?? 0, entry.sequence));
        else {
          // Transports without sequences are de-duplicated by identity instead.
          const key = `${topic}|${entry.subscription}|${entry.envelopeId ?? ''}|${entry.at}`;
          if (this.seen.has(key)) continue;
          this.seen.add(key);
        }
        const outcomeId = randomUUID();
        await this.options.bus.publish(
          TOPICS.outcomes,
          createEnvelope(
            'akv.outcome.v1',
            {
              outcomeId,
              status: 'failure',
              action: 'dead-lettered',
              service: 'discovery',
              code: 'DeadLettered',
              reason: `message ${entry.envelopeId ?? '(unparseable)'} on ${topic} was dead-lettered by subscription ${entry.subscription} after ${entry.deliveryCount} deliveries: ${entry.reason}`,
              at: new Date().toISOString(),
            },
            { id: outcomeId, source: '/akv-replicator/discovery' },
          ),
        );
        this.log.error('message dead-lettered', {
          topic,
          subscription: entry.subscription,
          envelopeId: entry.envelopeId,
          reason: entry.reason,
        });
        reported++;
      }
    }
    return reported;
  }
}
