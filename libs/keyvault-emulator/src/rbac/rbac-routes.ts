import type { FastifyRequest } from 'fastify';
import type { VaultRegistry } from '../arm/vault-registry';
import type { Clock } from '../clock';
import { errors } from '../errors';
import type { HttpRoute } from '../http/https-app';
import type { RoleAssignment, RoleAssignments } from './role-assignments';

const PROVIDER = '/providers/Microsoft.Authorization/roleAssignments';
/** The scopes assignments can be made at: subscription, resource group, vault. */
const SCOPES = [
  '/subscriptions/:sub',
  '/subscriptions/:sub/resourceGroups/:rg',
  '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.KeyVault/vaults/:vault',
];

type Params = Record<string, string | undefined>;

/**
 * An assignment as ARM renders it (api-version 2022-04-01):
 * https://learn.microsoft.com/rest/api/authorization/role-assignments/create
 */
function render(assignment: RoleAssignment) {
  const at = new Date(assignment.createdMs).toISOString();
  return {
    id: `${assignment.scope}${PROVIDER}/${assignment.name}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name: assignment.name,
    properties: {
      roleDefinitionId: assignment.roleDefinitionId,
      principalId: assignment.principalId,
      principalType: assignment.principalType,
      scope: assignment.scope,
      condition: null,
      conditionVersion: null,
      createdOn: at,
      updatedOn: at,
      createdBy: null,
      updatedBy: null,
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
  };
}

/** The scope part of the request path: everything before `/providers/Microsoft.Authorization`. */
function scopeOf(request: FastifyRequest, registry: VaultRegistry): string {
  const { sub, rg, vault } = request.params as Params;
  if (!registry.knowsSubscription(sub!)) throw errors.subscriptionNotFound(sub!);
  if (vault !== undefined && !registry.get(sub!, rg!, vault))
    throw errors.armResourceNotFound(vault, rg!);
  // The SDK joins `endpoint/` and a scope that starts with '/', so paths arrive as `//subscriptions`.
  const path = decodeURIComponent(request.url.split('?')[0]!).replace(/\/{2,}/g, '/');
  return path.slice(0, path.toLowerCase().indexOf(PROVIDER.toLowerCase()));
}

/** `Microsoft.Authorization/roleAssignments` on the ARM endpoint, at every scope of {@link SCOPES}. */
export function roleAssignmentRoutes(
  assignments: RoleAssignments,
  registry: VaultRegistry,
  clock: Clock,
): HttpRoute[] {
  return SCOPES.flatMap((scope): HttpRoute[] => [
    {
      method: 'PUT',
      path: `${scope}${PROVIDER}/:assignment`,
      handle: async (request) => {
        const properties = (request.body as { properties?: Record<string, unknown> } | undefined)
          ?.properties;
        const roleDefinitionId = properties?.['roleDefinitionId'];
        const principalId = properties?.['principalId'];
        if (typeof roleDefinitionId !== 'string' || typeof principalId !== 'string')
          throw errors.armBadRequest(
            "The request must name 'properties.roleDefinitionId' and 'properties.principalId'.",
          );
        const principalType = properties?.['principalType'];
        const { assignment, created } = assignments.put({
          name: (request.params as Params)['assignment']!,
          scope: scopeOf(request, registry),
          roleDefinitionId,
          principalId,
          principalType: typeof principalType === 'string' ? principalType : 'ServicePrincipal',
          createdMs: clock.now(),
        });
        return { status: created ? 201 : 200, body: render(assignment) };
      },
    },
    {
      method: 'GET',
      path: `${scope}${PROVIDER}/:assignment`,
      handle: async (request) => {
        const name = (request.params as Params)['assignment']!;
        const found = assignments.get(scopeOf(request, registry), name);
        if (!found) throw errors.roleAssignmentNotFound(name);
        return { status: 200, body: render(found) };
      },
    },
    {
      method: 'DELETE',
      path: `${scope}${PROVIDER}/:assignment`,
      handle: async (request) => {
        const name = (request.params as Params)['assignment']!;
        const found = assignments.delete(scopeOf(request, registry), name);
        return found ? { status: 200, body: render(found) } : { status: 204 };
      },
    },
    {
      method: 'GET',
      path: `${scope}${PROVIDER}`,
      handle: async (request) => {
        const filter = (request.query as Params)['$filter'] ?? '';
        const principal = /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
        const value = assignments
          .list(scopeOf(request, registry))
          .filter(
            (a) =>
              principal === undefined || a.principalId.toLowerCase() === principal.toLowerCase(),
          )
          .map(render);
        return { status: 200, body: { value } };
      },
    },
  ]);
}
