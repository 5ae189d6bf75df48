import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Separates a candidate's name from the address it advertises (`<host>-<suffix>@<address>`). */
const ADDRESS_SEPARATOR = '@';

/**
 * A candidate's identity: the host (pod) name, for operators reading the lease, plus a random
 * suffix so a restarted instance with the same name is a new candidate, not the old holder.
 * `advertise` (`host:port`) is where the candidate answers its peers; it travels in the lease's
 * holder so a follower finds the leader without any other registry.
 */
export function candidateIdentity(host: string = hostname(), advertise?: string): string {
  const name = `${host}-${randomBytes(4).toString('hex')}`;
  return advertise ? `${name}${ADDRESS_SEPARATOR}${advertise}` : name;
}

/** The `host:port` a holder identity advertises, if it advertises one. */
export function advertisedAddress(identity: string): string | undefined {
  const at = identity.lastIndexOf(ADDRESS_SEPARATOR);
  const address = at < 0 ? '' : identity.slice(at + 1);
  return address === '' ? undefined : address;
}
