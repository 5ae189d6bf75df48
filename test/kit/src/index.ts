export { startNats } from './nats/start-nats';
export type { StartNatsOptions } from './nats/start-nats';
export type { NatsServer } from './nats/nats-handle';
export { NatsControlUnavailableError, NatsUnavailableError } from './nats/nats-handle';
export {
  findNatsServerBinary,
  natsServerCandidates,
  DEBIAN_NATS_SERVER_PATH,
  DEFAULT_NATS_START_TIMEOUT_MS,
} from './nats/nats-process';
export { dockerLikelyAvailable, NATS_IMAGE } from './nats/nats-container';
export { freePort } from './net/free-port';
export { waitForInfo } from './nats/wait-ready';
export {
  startAzuriteBlob,
  AZURITE_ACCOUNT_NAME,
  AZURITE_ACCOUNT_KEY,
  DEFAULT_AZURITE_START_TIMEOUT_MS,
} from './azurite/start-azurite';
export type { AzuriteBlob } from './azurite/start-azurite';
