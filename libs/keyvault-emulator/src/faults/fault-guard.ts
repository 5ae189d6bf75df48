import { setTimeout as sleep } from 'node:timers/promises';
import { errors } from '../errors';
import type { RequestGuard } from '../http/https-app';
import type { FaultInjector } from './fault-injector';

/** Applies the request-level faults of `faults` to one vault's requests. */
export function faultGuard(vaultName: string, faults: FaultInjector): RequestGuard {
  return async () => {
    const latency = faults.latencyFor(vaultName);
    if (latency > 0) await sleep(latency);
    if (faults.drawDrop(vaultName)) return 'drop';
    const status = faults.drawError(vaultName);
    if (status !== undefined) throw errors.injectedFailure(status);
    return 'continue';
  };
}
