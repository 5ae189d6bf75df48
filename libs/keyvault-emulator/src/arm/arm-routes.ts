import type { FastifyRequest } from 'fastify';
import { errors } from '../errors';
import type { HttpRoute } from '../http/https-app';
import { pageOf } from '../http/paging';
import { applyAccessPolicyUpdate, type AccessPolicyOperation } from './access-policies';
import { renderGenericResource, renderVault, VAULT_RESOURCE_TYPE } from './arm-render';
import type { VaultRegistry, VaultResource, VaultResourceInput } from './vault-registry';

/** ARM returns lists in pages; `$top` may ask for fewer. */
export const ARM_PAGE_LIMIT = 1000;
const VAULT_NAME = /^(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const ARM_MAX_TAGS = 50;

type Params = Record<string, string>;
type Query = Record<string, string | undefined>;

function parseInput(body: unknown, requireCreateFields: boolean): VaultResourceInput {
  if (!body || typeof body !== 'object') throw errors.armBadRequest('The request body is missing.');
  const {
    location,
    tags,
    properties = {},
  } = body as { location?: unknown; tags?: unknown; properties?: Record<string, unknown> };
  const { tenantId, sku, ...extra } = properties;
  if (requireCreateFields && typeof location !== 'string')
    throw errors.armBadRequest("The 'location' property is required.");
  if (requireCreateFields && typeof tenantId !== 'string')
    throw errors.armBadRequest("The 'properties.tenantId' property is required.");
  const skuName = (sku as { name?: string } | undefined)?.name;
  if (requireCreateFields && skuName === undefined)
    throw errors.armBadRequest("The 'properties.sku' property is required.");
  if (skuName !== undefined && !['standard', 'premium'].includes(skuName.toLowerCase())) {
    throw errors.armBadRequest(
      `Invalid sku name '${skuName}'. Allowed values are standard, premium.`,
    );
  }
  if (tags !== undefined) {
    if (typeof tags !== 'object' || tags === null)
      throw errors.armBadRequest('tags must be an object.');
    const entries = Object.entries(tags);
    if (entries.length > ARM_MAX_TAGS)
      throw errors.armBadRequest(`A resource can have at most ${ARM_MAX_TAGS} tags.`);
    for (const [key, value] of entries) {
      if (typeof value !== 'string' || key.length > 512 || value.length > 256) {
        throw errors.armBadRequest(
          `Invalid tag '${key}': names are at most 512 characters, values are strings of at most 256.`,
        );
      }
    }
  }
  return {
    ...(typeof location === 'string' ? { location } : {}),
    ...(typeof tenantId === 'string' ? { tenantId } : {}),
    ...(tags !== undefined ? { tags: tags as Record<string, string> } : {}),
    ...(skuName !== undefined ? { skuName: skuName.toLowerCase() as 'standard' | 'premium' } : {}),
    extraProperties: extra,
  };
}

const policiesOf = (vault: VaultResource | undefined): unknown[] => {
  const policies = vault?.extraProperties['accessPolicies'];
  return Array.isArray(policies) ? policies : [];
};

/**
 * The ARM `Microsoft.KeyVault/vaults` operation table, driven through a {@link VaultRegistry}.
 * `onAccessPoliciesChanged` runs after an update changed an existing vault's access policies
 * (Key Vault then publishes `Microsoft.KeyVault.VaultAccessPolicyChanged`:
 * https://learn.microsoft.com/azure/event-grid/event-schema-key-vault).
 */
export function armRoutes(
  registry: VaultRegistry,
  armOrigin: () => string,
  onAccessPoliciesChanged: (vault: VaultResource) => void = () => undefined,
): HttpRoute[] {
  /** Stores an update; reports it when the vault existed and its access policies differ. */
  const update = async (
    sub: string,
    rg: string,
    name: string,
    input: VaultResourceInput,
  ): Promise<{ vault: VaultResource; created: boolean }> => {
    const before = JSON.stringify(policiesOf(registry.get(sub, rg, name)));
    const result = await registry.put(sub, rg, name, input);
    if (!result.created && JSON.stringify(policiesOf(result.vault)) !== before)
      onAccessPoliciesChanged(result.vault);
    return result;
  };
  const vaultPath =
    '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.KeyVault/vaults/:name';
  const listUrl = (request: FastifyRequest): string => `${armOrigin()}${request.url.split('?')[0]}`;
  const page = (items: unknown[], request: FastifyRequest) =>
    pageOf(items, request.query as Query, listUrl(request), {
      limit: ARM_PAGE_LIMIT,
      sizeParam: '$top',
    });
  const vaultOf = (request: FastifyRequest) => {
    const { sub, rg, name } = request.params as Params;
    const vault = registry.get(sub!, rg!, name!);
    if (!vault) throw errors.armResourceNotFound(name!, rg!);
    return vault;
  };

  const routes: HttpRoute[] = [
    {
      method: 'GET',
      path: '/subscriptions/:sub/providers/Microsoft.KeyVault/vaults',
      handle: async (request) => ({
        status: 200,
        body: page(registry.list((request.params as Params).sub!).map(renderVault), request),
      }),
    },
    {
      method: 'GET',
      path: '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.KeyVault/vaults',
      handle: async (request) => {
        const { sub, rg } = request.params as Params;
        return { status: 200, body: page(registry.list(sub!, rg!).map(renderVault), request) };
      },
    },
    {
      // vaults.list() in the SDK goes through the generic resources API with a type filter.
      method: 'GET',
      path: '/subscriptions/:sub/resources',
      handle: async (request) => {
        const filter = (request.query as Query)['$filter'] ?? '';
        const wantsVaults =
          filter === '' || filter.toLowerCase().includes(VAULT_RESOURCE_TYPE.toLowerCase());
        const vaults = wantsVaults ? registry.list((request.params as Params).sub!) : [];
        return { status: 200, body: page(vaults.map(renderGenericResource), request) };
      },
    },
    {
      method: 'POST',
      path: '/subscriptions/:sub/providers/Microsoft.KeyVault/checkNameAvailability',
      handle: async (request) => {
        const name = (request.body as { name?: unknown } | undefined)?.name;
        if (typeof name !== 'string')
          throw errors.armBadRequest("The 'name' property is required.");
        if (!VAULT_NAME.test(name)) {
          const message = `The vault name '${name}' is invalid.`;
          return {
            status: 200,
            body: { nameAvailable: false, reason: 'AccountNameInvalid', message },
          };
        }
        if (registry.isNameTaken(name)) {
          const message = `The vault name '${name}' is already in use.`;
          return { status: 200, body: { nameAvailable: false, reason: 'AlreadyExists', message } };
        }
        return { status: 200, body: { nameAvailable: true } };
      },
    },
    {
      // The emulator removes deleted vaults at once, so there are never soft-deleted ones.
      method: 'GET',
      path: '/subscriptions/:sub/providers/Microsoft.KeyVault/deletedVaults',
      handle: async (request) => ({ status: 200, body: page([], request) }),
    },
    {
      method: 'GET',
      path: vaultPath,
      handle: async (request) => ({ status: 200, body: renderVault(vaultOf(request)) }),
    },
    {
      method: 'PUT',
      path: vaultPath,
      handle: async (request) => {
        const { sub, rg, name } = request.params as Params;
        if (!VAULT_NAME.test(name!)) {
          throw errors.armBadRequest(
            `The vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters.`,
          );
        }
        const { vault, created } = await update(sub!, rg!, name!, parseInput(request.body, true));
        return { status: created ? 201 : 200, body: renderVault(vault) };
      },
    },
    {
      method: 'PATCH',
      path: vaultPath,
      handle: async (request) => {
        const { sub, rg } = request.params as Params;
        const existing = vaultOf(request);
        const input = parseInput(request.body, false);
        const { vault } = await update(sub!, rg!, existing.name, {
          ...input,
          extraProperties: { ...existing.extraProperties, ...input.extraProperties },
        });
        return { status: 200, body: renderVault(vault) };
      },
    },
    {
      // vaults.updateAccessPolicy: add / replace / remove entries.
      method: 'PUT',
      path: `${vaultPath}/accessPolicies/:operationKind`,
      handle: async (request) => {
        const { sub, rg, operationKind } = request.params as Params;
        const existing = vaultOf(request);
        if (!['add', 'replace', 'remove'].includes(operationKind!))
          throw errors.armBadRequest(
            `The operation kind '${operationKind}' is invalid. Allowed values are add, replace, remove.`,
          );
        const changes = (request.body as { properties?: { accessPolicies?: unknown } } | undefined)
          ?.properties?.accessPolicies;
        if (!Array.isArray(changes))
          throw errors.armBadRequest("The 'properties.accessPolicies' property is required.");
        const accessPolicies = applyAccessPolicyUpdate(
          policiesOf(existing),
          operationKind as AccessPolicyOperation,
          changes,
        );
        const { vault } = await update(sub!, rg!, existing.name, {
          extraProperties: { ...existing.extraProperties, accessPolicies },
        });
        return {
          status: 200,
          body: {
            id: `${renderVault(vault).id}/accessPolicies/${operationKind}`,
            name: operationKind,
            type: 'Microsoft.KeyVault/vaults/accessPolicies',
            location: vault.location,
            properties: { accessPolicies },
          },
        };
      },
    },
    {
      method: 'DELETE',
      path: vaultPath,
      handle: async (request) => {
        const { sub, rg, name } = request.params as Params;
        return { status: (await registry.delete(sub!, rg!, name!)) ? 200 : 204 };
      },
    },
  ];
  // ARM answers 404 SubscriptionNotFound for subscriptions it does not know; a PUT creates the
  // emulator's notion of a subscription (that is how vaults in new subscriptions appear).
  return routes.map((route) => ({
    ...route,
    handle: async (request) => {
      const sub = (request.params as Params).sub;
      if (sub && route.method !== 'PUT' && !registry.knowsSubscription(sub))
        throw errors.subscriptionNotFound(sub);
      return route.handle(request);
    },
  }));
}
