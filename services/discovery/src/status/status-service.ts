import {
  resolveSecretRef,
  silentLogger,
  type Config,
  type Logger,
  type SecretSource,
} from '@akv-replicator/core';
import type { Bus, Publisher, Subscription } from '@akv-replicator/bus';
import type { TopologyResolver } from '../topology/topology-resolver';
import type { ExpectedReplica } from './board-state';
import { expectedReplicas } from './expected-replicas';
import { StatusBoard } from './status-board';
import { followOutcomes, tapPlannedTasks } from './status-feeds';
import { StatusServer } from './status-server';
import { advertisedStatusAddress } from './advertised-address';
import type { StatusLeadership } from './leader-forward';

export interface StatusServiceDeps {
  readonly bus: Bus;
  readonly topology: TopologyResolver;
  /** Where `status.token` is read from. */
  readonly secrets: SecretSource;
  /** Whether discovery reconciles certificates (it has certificate stores). */
  readonly certificates: boolean;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** Discovery's election, when one is configured: followers show the leader's board. */
  readonly leadership?: StatusLeadership;
}

/**
 * Discovery's status (issue #20, ADR 0021) when `status.enabled`: the board, what feeds it (the
 * reconcile's listing observations, the tasks discovery publishes, its own outcomes
 * subscription) and the read-only HTTP endpoint that serves it. With several instances only the
 * leader's board is fed — the outcomes subscription is shared, so it is a leader duty
 * (`followOutcomes` / `unfollowOutcomes`) — and a follower's endpoint shows the leader's.
 */
export class StatusService {
  readonly board: StatusBoard;
  private server: StatusServer | undefined;
  private outcomes: Subscription | undefined;
  private address: string | undefined;
  private lastExpected: readonly ExpectedReplica[] | undefined;

  constructor(
    private readonly config: Config,
    private readonly deps: StatusServiceDeps,
  ) {
    this.board = new StatusBoard({
      refreshSeconds: config.status.refreshSeconds,
      ...(config.telemetry.traceUrlTemplate
        ? { traceUrlTemplate: config.telemetry.traceUrlTemplate }
        : {}),
      ...(deps.now ? { now: deps.now } : {}),
    });
  }

  /** The publisher discovery plans tasks with: the board sees each one. */
  publisher(inner: Publisher): Publisher {
    return tapPlannedTasks(inner, this.board);
  }

  /** The base URL once listening. */
  get url(): string | undefined {
    return this.address;
  }

  /** Where the other discovery instances reach this endpoint (`host:port`), once listening. */
  get advertisedAddress(): string | undefined {
    return this.address === undefined ? undefined : advertisedStatusAddress(this.address);
  }

  /**
   * Subscribes the board to `outcomes` (SUBSCRIPTIONS.discoveryStatus). A leader duty: the
   * subscription is shared by every instance (competing consumers), so a follower holding it
   * would take outcomes the leader's board never sees.
   */
  async followOutcomes(): Promise<void> {
    this.outcomes ??= await followOutcomes(this.deps.bus, this.board);
  }

  /** Lays the subscription down when leadership is lost; outcomes wait for the next leader. */
  async unfollowOutcomes(): Promise<void> {
    const outcomes = this.outcomes;
    this.outcomes = undefined;
    await outcomes?.close();
  }

  async start(): Promise<void> {
    const { status } = this.config;
    const token = status.token
      ? await resolveSecretRef(status.token, 'status.token', this.deps.secrets)
      : undefined;
    const log = (this.deps.logger ?? silentLogger).child({ component: 'status' });
    this.server = new StatusServer({
      board: this.board,
      expected: () => this.expected(log),
      ...(token !== undefined ? { token } : {}),
      allowUnauthenticated: status.allowUnauthenticated,
      host: status.host,
      logger: log,
      ...(this.deps.leadership ? { leadership: this.deps.leadership } : {}),
    });
    this.address = await this.server.listen(status.port);
    log.info('status endpoint listening', { url: this.address });
  }

  /**
   * The replicas of the current topology; when resolving fails (ARM unreachable during an
   * outage) the last resolved ones, so the status stays readable when it matters most.
   */
  private async expected(log: Logger): Promise<readonly ExpectedReplica[]> {
    try {
      const { links } = await this.deps.topology.resolve(false);
      this.lastExpected = expectedReplicas(links, { certificates: this.deps.certificates });
    } catch (error) {
      if (!this.lastExpected) throw error;
      log.warn('status: topology unresolved, reporting the last resolved replicas', {
        error: (error as Error).message,
      });
    }
    return this.lastExpected;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    await this.unfollowOutcomes();
  }
}
