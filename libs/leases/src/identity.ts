import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A candidate's identity: the host (pod) name, for operators reading the lease, plus a random
 * suffix so a restarted instance with the same name is a new candidate, not the old holder.
 */
export function candidateIdentity(host: string = hostname()): string {
  return `${host}-${randomBytes(4).toString('hex')}`;
}
