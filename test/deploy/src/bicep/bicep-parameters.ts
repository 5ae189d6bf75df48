import { resolveNamingPattern, type LoadedConfig } from '@akv-replicator/core';
import { emulatorTopologyFor } from '@akv-replicator/bus-servicebus';
import { declaredTopology } from 'akv-replicator';
import { formatJson } from '../tools/format-json';

export interface VaultPlacement {
  readonly name: string;
  /** '' = the deployment's resource group / subscription. */
  readonly resourceGroup: string;
  readonly subscriptionId: string;
}

export interface SelectionScope {
  /** '' = the whole subscription. */
  readonly resourceGroup: string;
  readonly subscriptionId: string;
  readonly access: 'source' | 'replica' | 'create';
}

export interface BicepParameterOptions {
  /** Helm release name: the service accounts are `<release>` and `<release>-certificate-converter`. */
  readonly release: string;
  readonly kubernetesNamespace: string;
  readonly serviceBusNamespaceName: string;
  readonly deadLetterStorageAccountName: string;
  readonly extraRegions?: readonly string[];
}

/**
 * The parameters of deploy/bicep/akv-replicator.bicep for one configuration: the Service Bus
 * topology from the same code as `akv-replicator servicebus-topology`, the service accounts the
 * chart creates, and every vault (or, for selections resolved at run time, every scope) the
 * identity needs roles on. `notes` say what the configuration leaves to the operator.
 */
export async function bicepParameters(
  loaded: LoadedConfig,
  options: BicepParameterOptions,
): Promise<{ parameters: Record<string, unknown>; notes: string[] }> {
  const { config, topology } = loaded;
  const notes: string[] = [];
  const document = await emulatorTopologyFor(declaredTopology(loaded, options.extraRegions ?? []));
  const sources = new Map<string, VaultPlacement>();
  const replicas = new Map<string, VaultPlacement>();
  const scopes = new Map<string, SelectionScope>();
  const place = (
    name: string,
    resourceGroup?: string,
    subscriptionId?: string,
  ): VaultPlacement => ({
    name,
    resourceGroup: resourceGroup ?? '',
    subscriptionId: subscriptionId ?? '',
  });
  const addScope = (scope: SelectionScope) =>
    scopes.set(`${scope.subscriptionId}/${scope.resourceGroup}/${scope.access}`, scope);

  for (const link of topology.links) {
    sources.set(
      link.source.name,
      place(link.source.name, link.source.resourceGroup, link.source.subscriptionId),
    );
    for (const replica of link.replicas) {
      // A vault autoCreate makes does not exist yet: grant on its resource group instead.
      if (replica.autoCreate)
        addScope({
          resourceGroup: replica.resourceGroup ?? '',
          subscriptionId: replica.subscriptionId ?? '',
          access: 'create',
        });
      else
        replicas.set(
          replica.name,
          place(replica.name, replica.resourceGroup, replica.subscriptionId),
        );
    }
  }
  for (const selection of topology.selections) {
    const subscriptionId = selection.subscriptionId ?? config.azure.sourceSubscriptionId ?? '';
    const known = selection.selectionMode === 'specific';
    if (known)
      for (const vault of selection.vaults)
        sources.set(vault.name, place(vault.name, selection.resourceGroup, subscriptionId));
    else
      addScope({ resourceGroup: selection.resourceGroup ?? '', subscriptionId, access: 'source' });
    for (const destination of selection.destinations) {
      const destinationSubscription =
        destination.subscriptionId ?? config.azure.destinationSubscriptionId ?? subscriptionId;
      if (destination.autoCreate || !known) {
        addScope({
          resourceGroup: destination.resourceGroup ?? '',
          subscriptionId: destinationSubscription,
          access: destination.autoCreate ? 'create' : 'replica',
        });
        continue;
      }
      for (const vault of selection.vaults) {
        const named = vault.destinationName
          ? { ok: true as const, name: vault.destinationName }
          : resolveNamingPattern(destination.namingPattern, {
              source_name: vault.name,
              region: destination.region,
            });
        if (named.ok)
          replicas.set(
            named.name,
            place(named.name, destination.resourceGroup, destinationSubscription),
          );
      }
    }
    if (selection.destinationsFromTag)
      notes.push(
        `selection ${selection.name} takes replicas from the dst_key_vault_names tag: grant the identity Key Vault Secrets Officer and Certificates Officer on those vaults (or add them to replicaVaults)`,
      );
  }
  if ([...sources.values(), ...replicas.values()].some((vault) => vault.resourceGroup === ''))
    notes.push(
      "vaults whose resource group the configuration does not name are assumed in the deployment's resource group: set resourceGroup where they live elsewhere",
    );
  const serviceAccountNames = [
    options.release,
    ...(config.certManager ? [`${options.release}-certificate-converter`] : []),
  ];
  return {
    parameters: {
      serviceBusNamespaceName: options.serviceBusNamespaceName,
      serviceBusTopics: document.UserConfig.Namespaces[0]?.Topics ?? [],
      kubernetesNamespace: options.kubernetesNamespace,
      serviceAccountNames,
      sourceVaults: [...sources.values()],
      replicaVaults: [...replicas.values()],
      selectionScopes: [...scopes.values()],
      eventDelivery: eventDeliveryOf(config, sources.size > 0),
      deadLetterStorageAccountName: options.deadLetterStorageAccountName,
    },
    notes,
  };
}

/** An ARM deployment parameter file (`az deployment group create -p @file`). */
export function parameterFile(
  parameters: Record<string, unknown>,
  notes: readonly string[],
  fileUrl: URL,
): Promise<string> {
  return formatJson(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
      contentVersion: '1.0.0.0',
      metadata: {
        generatedBy: 'npm run generate:bicep -w test/deploy (from deploy/examples)',
        ...(notes.length > 0 ? { notes } : {}),
      },
      parameters: Object.fromEntries(
        Object.entries(parameters).map(([key, value]) => [key, { value }]),
      ),
    },
    fileUrl,
  );
}

/** How Event Grid reaches this configuration's ingress: its webhook unless turned off, then a queue. */
function eventDeliveryOf(config: LoadedConfig['config'], knownSources: boolean): string {
  if (!knownSources) return 'none';
  if (config.ingress.inputs.webhook.enabled) return 'webhook';
  return (config.ingress.inputs.serviceBusQueues ?? []).length > 0 ? 'serviceBusQueue' : 'none';
}
