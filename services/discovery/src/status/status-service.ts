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

export interface StatusServiceDeps {
  readonly bus: Bus;
  readonly topology: TopologyResolver;
  /** Where `status.token` is read from. */
  readonly secrets: SecretSource;
  /** Whether discovery reconciles certificates (it has certificate stores). */
  readonly certificates: boolean;
  readonly logger?: Logger;
  readonly now?: () => number;
}

/**
 * Discovery's status (issue #20, ADR 0021) when `status.enabled`: the board, what feeds it (the
 * reconcile's listing observations, the tasks discovery publishes, its own outcomes
 * subscription) and the read-only HTTP endpoint that serves it.
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
    });
    this.outcomes = await followOutcomes(this.deps.bus, this.board);
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
    await this.outcomes?.close();
  }
}
