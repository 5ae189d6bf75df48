// What other packages use (the e2e, bench and deploy tests, the image builder); nothing else.
export { runCli } from './cli';
export { startLocalStack, DEMO_VAULTS } from './stack/local-stack';
export type { LocalStack, LocalStackOptions } from './stack/local-stack';
export { startServices } from './stack/start-services';
export { SERVICE_NAMES } from './stack/service-names';
export type { RunningStack } from './stack/start-services';
export { SERVICE_NODE_OPTIONS } from './stack/service-node-options';
export {
  CONFIG_DIR,
  SECRETS_DIR,
  SERVICE_MEMORY,
  renderManifests,
} from './kubernetes/render-manifests';
export type { Manifest } from './kubernetes/render-manifests';
export { SECRET_SECTIONS } from './kubernetes/secret-env';
export { declaredTopology } from '@akv-replicator/runtime';
