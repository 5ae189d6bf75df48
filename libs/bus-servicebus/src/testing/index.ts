// Test kit of @akv-replicator/bus-servicebus, for other workspaces' tests: the AMQP test broker
// as a topology provisioner. Production code never imports this entry point (eslint.config.js).
export { brokerProvisioner, EMULATOR_TOPOLOGY, runPreProvisionedScenario } from './broker-support';
