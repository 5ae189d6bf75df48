import { DefaultAzureCredential } from '@azure/identity';
import {
  RetryMode,
  ServiceBusAdministrationClient,
  ServiceBusClient,
  type ServiceBusClientOptions,
} from '@azure/service-bus';
import { ServiceBusBus } from './servicebus-bus';
import {
  DEFAULT_SERVICEBUS_MAX_RETRY_DELAY_MS,
  resolveServiceBusBusOptions,
  type ServiceBusBusOptions,
} from './servicebus-options';
import { administrationClientProvisioner, type TopologyProvisioner } from './topology';

/**
 * Creates the Service Bus bus: from a connection string (SAS or the emulator's), from a
 * namespace with an Entra ID credential (DefaultAzureCredential unless given — workload or
 * managed identity on AKS), or around an existing client. Nothing connects until the first
 * publish or subscribe; invalid options fail here with the key named.
 */
export function connectServiceBusBus(options: ServiceBusBusOptions): ServiceBusBus {
  const resolved = resolveServiceBusBusOptions(options);
  const clientOptions: ServiceBusClientOptions = {
    retryOptions: {
      timeoutInMs: resolved.operationTimeoutMs,
      mode: RetryMode.Exponential,
      retryDelayInMs: resolved.retryDelayMs,
      maxRetryDelayInMs: Math.max(resolved.retryDelayMs, DEFAULT_SERVICEBUS_MAX_RETRY_DELAY_MS),
    },
    userAgentOptions: { userAgentPrefix: 'akv-replicator' },
  };
  let client: ServiceBusClient;
  let provisioner: TopologyProvisioner | undefined = resolved.provisioner;
  if (resolved.client) {
    client = resolved.client;
  } else if (resolved.connectionString !== undefined) {
    client = new ServiceBusClient(resolved.connectionString, clientOptions);
    provisioner ??= administrationClientProvisioner(
      new ServiceBusAdministrationClient(resolved.connectionString),
    );
  } else {
    const namespace = resolved.fullyQualifiedNamespace!;
    const credential = resolved.credential ?? new DefaultAzureCredential();
    client = new ServiceBusClient(namespace, credential, clientOptions);
    provisioner ??= administrationClientProvisioner(
      new ServiceBusAdministrationClient(namespace, credential),
    );
  }
  // resolveServiceBusBusOptions guarantees a provisioner for the client case.
  return new ServiceBusBus(client, provisioner!, resolved, resolved.client === undefined);
}
