/** Options the `failover` commands share (commander parses them; cli.ts passes them on). */
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
