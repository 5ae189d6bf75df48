// Role assignments of one principal on this module's subscription: for a selection over a whole
// subscription (no resource group named), whose vaults only ARM knows at run time.
targetScope = 'subscription'

param principalId string

@description('Built-in role definition ids.')
param roleIds array

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in roleIds: {
    name: guid(subscription().id, principalId, roleId)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]
