// Azure resources for one school: App Service (Linux, Node 22 LTS, several instances) running the bot with a
// system-assigned managed identity, a storage account it reaches with that identity only (Tables for
// records, Queues for the nudge queue, Blobs for the campaign planner's lease), and the Azure Bot
// registration with the Teams channel. Secrets (bot password, Graph secret, support-code key) live in a Key
// Vault that only the web app's identity can read; the app settings hold Key Vault references, not values.
// The code arrives as a package built by `npm run package:deploy` (production dependencies only) and runs as
// it is (WEBSITE_RUN_FROM_PACKAGE): nothing is installed or built on App Service.
@maxLength(20)
@minLength(4)
param resourceBaseName string

@description('Entra app (client) id of the bot, from aadApp/create.')
param botAadAppClientId string

@secure()
@minLength(1)
param botAadAppClientSecret string

@description('The Teams app id (manifest id), from teamsApp/create: the bot installs this app for users it nudges.')
param teamsAppId string

@description('The IT app id (manifest id of appPackage/it), from teamsApp/create: the chat card for IT staff opens its IT progress tab.')
param teamsItAppId string

@description('The school tenant id.')
param tenantId string = tenant().tenantId

@description('App Service plan SKU; S1 or P0v3 and above scale out to several instances.')
param webAppSku string = 'S1'

@minValue(1)
@maxValue(10)
@description('How many instances run the bot. Two or more need STORAGE=azure, which this template sets.')
param instanceCount int = 2

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
@description('Storage redundancy. LRS: three copies in one datacentre (enough for this data). ZRS and GZRS need a region with availability zones, or the deployment fails; GRS and GZRS add a copy in the paired region.')
param storageSku string = 'Standard_LRS'

param botDisplayName string = 'MFA Buddy'
param location string = resourceGroup().location

@description('Graph app registration (app-only) for registration status, mail and installs; by default the bot app itself.')
param graphClientId string
@secure()
@minLength(1)
@description('The Graph app\'s client secret. When the Graph app is the bot app, the bot password is used and this is not stored again.')
param graphClientSecret string
@secure()
@minLength(64)
@maxLength(64)
@description('64 hex characters sealing support-code secrets at rest; the same on every instance, never changed.')
param supportCodeKey string
@description('The service desk mailbox: where escalations go.')
param serviceDeskMailbox string
@description('The mailbox escalations are sent as (the one Mail.Send is scoped to).')
param senderMailbox string = serviceDeskMailbox
@description('The school policy file inside the deploy package (npm run package:deploy puts it there).')
param schoolConfigPath string = '/home/site/wwwroot/config/school.yaml'

var serverfarmsName = resourceBaseName
var webAppName = resourceBaseName
var storageName = toLower(take(replace('${resourceBaseName}st${uniqueString(resourceGroup().id)}', '-', ''), 24))
var keyVaultName = toLower(take(replace('${resourceBaseName}kv${uniqueString(resourceGroup().id)}', '-', ''), 24))
// By default the bot's own app calls Graph: its secret is the bot password, kept once.
var graphIsBotApp = graphClientId == botAadAppClientId
/** An app setting that App Service resolves from the vault with the web app's identity. */
var vaultRef = {
  botPassword: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=bot-password)'
  graphClientSecret: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=graph-client-secret)'
  supportCodeKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=support-code-key)'
}

// Built-in data-plane roles for the web app's identity (no account keys anywhere).
var roles = {
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: tenantId
    sku: { family: 'A', name: 'standard' }
    // Azure RBAC, not access policies: the web app's identity gets read access to secrets and nothing else.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'bot-password'
  properties: { value: botAadAppClientSecret }
}

resource graphSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!graphIsBotApp) {
  parent: keyVault
  name: 'graph-client-secret'
  properties: { value: graphClientSecret }
}

resource supportCodeKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'support-code-key'
  properties: { value: supportCodeKey }
}

// Metrics and request telemetry (the bot's own meters; no outgoing calls, no user ids): workspace-based
// Application Insights, read by the bot through APPLICATIONINSIGHTS_CONNECTION_STRING.
resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: { name: storageSku }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Managed identity only: shared keys (and connection strings with them) are switched off.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource serverfarm 'Microsoft.Web/serverfarms@2022-09-01' = {
  kind: 'linux'
  location: location
  name: serverfarmsName
  sku: { name: webAppSku, capacity: instanceCount }
  properties: { reserved: true }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  kind: 'app,linux'
  location: location
  name: webAppName
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      healthCheckPath: '/healthz'
      appCommandLine: 'node --disable-warning=DEP0111 dist/index.js'
      appSettings: [
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
        // The package carries its production dependencies, built and checked before upload: no build here.
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'HOST', value: '0.0.0.0' }
        { name: 'PORT', value: '8080' }
        // App Service's front end adds the client's address to X-Forwarded-For: rate limits count clients by it.
        { name: 'TRUSTED_PROXY_HOPS', value: '1' }
        { name: 'BOT_ID', value: botAadAppClientId }
        { name: 'BOT_PASSWORD', value: vaultRef.botPassword }
        { name: 'BOT_TYPE', value: 'SingleTenant' }
        { name: 'BOT_TENANT_ID', value: tenantId }
        { name: 'TENANT_ID', value: tenantId }
        { name: 'TEAMS_APP_ID', value: teamsAppId }
        { name: 'TEAMS_IT_APP_ID', value: teamsItAppId }
        { name: 'GRAPH_CLIENT_ID', value: graphClientId }
        { name: 'GRAPH_CLIENT_SECRET', value: graphIsBotApp ? vaultRef.botPassword : vaultRef.graphClientSecret }
        { name: 'SUPPORT_CODE_KEY', value: vaultRef.supportCodeKey }
        { name: 'SERVICE_DESK_MAILBOX', value: serviceDeskMailbox }
        { name: 'SENDER_MAILBOX', value: senderMailbox }
        { name: 'SCHOOL_CONFIG', value: schoolConfigPath }
        { name: 'STORAGE', value: 'azure' }
        // An account URL (no key): the bot authenticates with its managed identity.
        { name: 'AZURE_STORAGE_CONNECTION_STRING', value: storage.properties.primaryEndpoints.blob }
        // Every instance and `npm run nudge` take their Teams sends from one budget in this account
        // (docs/sending.md): TEAMS_SENDS_PER_SECOND is the whole app's, whatever the instance count.
        { name: 'AZURE_STORAGE_PREFIX', value: 'mfabuddy' }
      ]
    }
  }
}

resource tableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, webApp.id, roles.tableDataContributor)
  scope: storage
  properties: {
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.tableDataContributor)
  }
}

resource queueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, webApp.id, roles.queueDataContributor)
  scope: storage
  properties: {
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueDataContributor)
  }
}

resource blobRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, webApp.id, roles.blobDataContributor)
  scope: storage
  properties: {
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
  }
}

resource keyVaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, webApp.id, roles.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    resourceBaseName: resourceBaseName
    botAadAppClientId: botAadAppClientId
    botAppDomain: webApp.properties.defaultHostName
    botDisplayName: botDisplayName
    tenantId: tenantId
  }
}

output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.name
output AZURE_KEY_VAULT_NAME string = keyVault.name
