import { errors } from '../errors';
import { grants, roleDefinitionOf } from './role-definitions';

/** One `Microsoft.Authorization/roleAssignments` resource. */
export interface RoleAssignment {
  /** The assignment's name (a GUID chosen by the caller). */
  readonly name: string;
  /** ARM scope, e.g. `/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/V`. */
  readonly scope: string;
  readonly roleDefinitionId: string;
  readonly principalId: string;
  readonly principalType: string;
  readonly createdMs: number;
}

const lower = (value: string): string => value.toLowerCase();

/** `scope` covers `resource` when it is the resource itself or one of its ancestors. */
export function scopeCovers(scope: string, resource: string): boolean {
  const s = lower(scope).replace(/\/+$/, '');
  const r = lower(resource);
  return r === s || r.startsWith(`${s}/`);
}

/**
 * Role assignments of the emulated tenant(s). Assignments at a subscription, resource group,
 * vault or object scope apply to everything below it (Azure RBAC inheritance:
 * https://learn.microsoft.com/azure/role-based-access-control/scope-overview).
 */
export class RoleAssignments {
  readonly #byName = new Map<string, RoleAssignment>();

  /** Creates an assignment; ARM's own rules: no duplicate, no in-place change, known role. */
  put(assignment: RoleAssignment): { assignment: RoleAssignment; created: boolean } {
    if (!roleDefinitionOf(assignment.roleDefinitionId))
      throw errors.roleDefinitionDoesNotExist(assignment.roleDefinitionId);
    const existing = this.#byName.get(lower(assignment.name));
    if (existing) {
      const same =
        lower(existing.scope) === lower(assignment.scope) &&
        lower(existing.principalId) === lower(assignment.principalId) &&
        roleDefinitionOf(existing.roleDefinitionId) ===
          roleDefinitionOf(assignment.roleDefinitionId);
      if (!same) throw errors.roleAssignmentUpdateNotPermitted();
      return { assignment: existing, created: false };
    }
    const duplicate = [...this.#byName.values()].some(
      (other) =>
        lower(other.scope) === lower(assignment.scope) &&
        lower(other.principalId) === lower(assignment.principalId) &&
        roleDefinitionOf(other.roleDefinitionId) === roleDefinitionOf(assignment.roleDefinitionId),
    );
    if (duplicate) throw errors.roleAssignmentExists();
    this.#byName.set(lower(assignment.name), assignment);
    return { assignment, created: true };
  }

  get(scope: string, name: string): RoleAssignment | undefined {
    const found = this.#byName.get(lower(name));
    return found && lower(found.scope) === lower(scope) ? found : undefined;
  }

  delete(scope: string, name: string): RoleAssignment | undefined {
    const found = this.get(scope, name);
    if (found) this.#byName.delete(lower(name));
    return found;
  }

  /** Assignments at, above or below `scope` (what ARM's list-for-scope returns). */
  list(scope: string): readonly RoleAssignment[] {
    return [...this.#byName.values()].filter(
      (a) => scopeCovers(a.scope, scope) || scopeCovers(scope, a.scope),
    );
  }

  /** Whether `principalId` holds a role granting `dataAction` on `resource` (or above it). */
  permits(principalId: string, resource: string, dataAction: string): boolean {
    return [...this.#byName.values()].some(
      (a) =>
        lower(a.principalId) === lower(principalId) &&
        scopeCovers(a.scope, resource) &&
        (roleDefinitionOf(a.roleDefinitionId)?.dataActions.some((p) => grants(p, dataAction)) ??
          false),
    );
  }
}
