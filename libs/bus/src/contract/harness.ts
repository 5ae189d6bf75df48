import type { Bus } from '../port/bus';
import type { BusOptions } from '../runtime/bus-base';

/** A broker the suite may crash: present only for real brokers. */
export interface ContractBroker {
  /** SIGKILL the broker process (no graceful shutdown). */
  kill(): Promise<void>;
  /** Start it again on the same address with the same store. */
  restart(): Promise<void>;
}

/**
 * What a transport gives the contract suite for one test. Every call to `connect` is a new
 * client of the same broker (a separate "process"), so crash and drain cases can hand a
 * durable subscription from one client to another.
 */
export interface BusContractHarness {
  connect(options?: BusOptions): Promise<Bus>;
  /** Publishes bytes that bypass envelope validation (to prove the consumer survives them). */
  publishRaw(
    topic: string,
    body: Uint8Array,
    options?: { routingKey?: string; id?: string },
  ): Promise<void>;
  readonly broker?: ContractBroker;
  /** Closes whatever the harness opened. */
  dispose(): Promise<void>;
}

/** Called once per test: a fresh, isolated broker namespace. */
export type BusContractFactory = () => Promise<BusContractHarness>;
