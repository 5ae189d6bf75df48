// Test helpers for other workspaces' tests: the AMQP test broker as a topology provisioner.
export { brokerProvisioner } from './test-support';
