// Role assignments of one principal on this module's resource group: for vaults a selection
// finds (or autoCreate makes) at run time, which no deployment can name in advance.

param principalId string

@description('Built-in role definition ids.')
param roleIds array

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in roleIds: {
    name: guid(resourceGroup().id, principalId, roleId)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]
