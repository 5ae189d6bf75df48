export { runCli, buildProgram } from './cli';
export type { CliIo } from './io';
export { startLocalStack, DEMO_VAULTS, LOCAL_SECOND_SUBSCRIPTION } from './stack/local-stack';
export type { LocalStack, LocalStackOptions } from './stack/local-stack';
export { startServices, replicaRegions, SERVICE_NAMES } from './stack/start-services';
export type {
  ServiceName,
  StackAdapters,
  StackOptions,
  RunningStack,
} from './stack/start-services';
export { SERVICE_NODE_OPTIONS } from './stack/service-node-options';
export { createCredentials, fileSecretSource } from './stack/credentials';
export {
  CONFIG_DIR,
  SECRETS_DIR,
  SERVICE_MEMORY,
  renderManifests,
} from './kubernetes/render-manifests';
export type { Manifest, ManifestOptions, RenderedManifests } from './kubernetes/render-manifests';
export { SECRET_SECTIONS } from './kubernetes/secret-env';
export { declaredTopology } from './stack/bus-topology';
