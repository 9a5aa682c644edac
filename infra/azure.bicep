// Azure resources for one school: App Service (Linux, Node 20) running the bot, and the Azure Bot
// registration with the Teams channel. Storage for several instances is added by the storage work
// (see docs/deployment.md); until then run a single instance with DATA_DIR on the App Service share.
@maxLength(20)
@minLength(4)
param resourceBaseName string

@description('Entra app (client) id of the bot, from botAadApp/create.')
param botAadAppClientId string

@secure()
param botAadAppClientSecret string

@description('The school tenant id.')
param tenantId string = tenant().tenantId

param webAppSku string = 'B1'
param botDisplayName string = 'MFA Buddy'
param location string = resourceGroup().location

@description('Graph app registration (app-only) used for registration status, mail and installs.')
param graphClientId string = ''
@secure()
param graphClientSecret string = ''
@secure()
param supportCodeKey string = ''
param serviceDeskMailbox string = ''

var serverfarmsName = resourceBaseName
var webAppName = resourceBaseName

resource serverfarm 'Microsoft.Web/serverfarms@2022-09-01' = {
  kind: 'linux'
  location: location
  name: serverfarmsName
  sku: { name: webAppSku }
  properties: { reserved: true }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  kind: 'app,linux'
  location: location
  name: webAppName
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      appCommandLine: 'node --disable-warning=DEP0111 dist/index.js'
      appSettings: [
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
        { name: 'HOST', value: '0.0.0.0' }
        { name: 'PORT', value: '8080' }
        { name: 'BOT_ID', value: botAadAppClientId }
        { name: 'BOT_PASSWORD', value: botAadAppClientSecret }
        { name: 'BOT_TYPE', value: 'SingleTenant' }
        { name: 'BOT_TENANT_ID', value: tenantId }
        { name: 'TENANT_ID', value: tenantId }
        { name: 'GRAPH_CLIENT_ID', value: graphClientId }
        { name: 'GRAPH_CLIENT_SECRET', value: graphClientSecret }
        { name: 'SUPPORT_CODE_KEY', value: supportCodeKey }
        { name: 'SERVICE_DESK_MAILBOX', value: serviceDeskMailbox }
        { name: 'DATA_DIR', value: '/home/data' }
      ]
    }
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
