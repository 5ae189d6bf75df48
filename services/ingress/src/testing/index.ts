// Test kit of @akv-replicator/ingress (the `./testing` entry point): Event Grid and CloudEvents
// fixtures, the documentation's example payloads, a recording publisher and the pulled-input
// harness. The main entry never re-exports these and production code never imports this entry
// point (eslint.config.js); entra-probe.ts is a child process of a test, not part of the kit.
export {
  DOCS_EVENTGRID_SCHEMA_EXAMPLE,
  DOCS_CLOUDEVENTS_SCHEMA_EXAMPLE,
  DOCS_EVENTGRID_SCHEMA_EXAMPLE_2020,
  DOCS_EXAMPLE_VAULT_EVENT,
} from './documented-events';
export { FIXTURE_VERSION, keyVaultData, eventGridEvent, cloudEvent } from './event-fixtures';
export { captureVaultEvents, until, holdPublishes } from './input-harness';
export type { VaultEventsCapture, HeldPublisher } from './input-harness';
export { RecordingPublisher } from './recording-publisher';
