import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { expect } from 'chai';
import { parse as parseDotenv } from 'dotenv';
import YAML from 'yaml';
import { ROOT } from '../support/botProcess';
import { parseBicep, parseBicepFile } from '../support/bicep';
import { provisionSettings } from '../../scripts/provisionSettings';
// The toolkit's own placeholder expansion, as arm/deploy applies it to the parameters file.
import {
  expandEnvironmentVariable,
  getEnvironmentVariables,
} from '@microsoft/teamsfx-core/build/component/utils/common';

interface Step {
  uses: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}
interface ProjectFile {
  version: string;
  provision: Step[];
  deploy: Step[];
}

const TOOLKIT_CORE = path.dirname(require.resolve('@microsoft/teamsfx-core/package.json'));
const SCHEMAS = path.join(TOOLKIT_CORE, 'resource', 'yaml-schema');
const GRAPH = '00000003-0000-0000-c000-000000000000';

function readProject(name: string): ProjectFile {
  return YAML.parse(fs.readFileSync(path.join(ROOT, name), 'utf8')) as ProjectFile;
}

/** The toolkit's schema for a project-file version, compiled as the toolkit compiles it (configManager/validator). */
function schemaValidator(version: string): ValidateFunction {
  const ajv = new Ajv({ allowUnionTypes: true, allErrors: true });
  ajv.addKeyword('deprecationMessage');
  return ajv.compile(
    JSON.parse(fs.readFileSync(path.join(SCHEMAS, version, 'yaml.schema.json'), 'utf8')) as object,
  );
}

function problemsOf(validate: ValidateFunction, doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/** The env/.env.dev values a first provision starts from, plus what the admin types in before it. */
function firstProvisionEnvironment(): Record<string, string> {
  return {
    ...parseDotenv(fs.readFileSync(path.join(ROOT, 'env', '.env.dev'))),
    SERVICE_DESK_MAILBOX: 'ITServiceDesk@school.example.org',
    SCHOOL_NAME: 'Example Academy',
    // What the steps before the script write (teamsApp/create, aadApp/create).
    TEAMS_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    TEAMS_IT_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3309',
    BOT_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3302',
    BOT_OBJECT_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3303',
    SECRET_BOT_PASSWORD: 'bot~password~from~aadApp~create',
  };
}

describe('the Agents Toolkit project', () => {
  describe('m365agents.yml and m365agents.local.yml, against the toolkit’s published schemas (offline)', () => {
    const newest = fs
      .readdirSync(SCHEMAS)
      .filter((name) => /^v1\.\d+$/.test(name))
      .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))
      .pop();

    for (const file of ['m365agents.yml', 'm365agents.local.yml']) {
      it(`${file} is on the newest schema the pinned toolkit knows (${newest}) and valid against it`, () => {
        const project = readProject(file);
        expect(project.version).to.equal(newest);
        expect(problemsOf(schemaValidator(project.version), project)).to.deep.equal([]);
        // The editor hint names the same schema.
        expect(fs.readFileSync(path.join(ROOT, file), 'utf8')).to.include(
          `$schema=https://aka.ms/m365-agents-toolkits/${project.version}/yaml.schema.json`,
        );
      });
    }

    it('the schema does reject a broken project file', () => {
      const project = readProject('m365agents.yml');
      const create = project.provision.find((s) => s.uses === 'aadApp/create')!;
      delete create.writeToEnvironmentFile!.objectId;
      (create.with as Record<string, unknown>).generateServicePrinciple = true;
      const problems = problemsOf(schemaValidator(project.version), project).join('\n');
      expect(problems).to.match(/objectId/);
      expect(problems).to.match(/additional properties/);
    });
  });

  describe('provision, in order', () => {
    const project = readProject('m365agents.yml');
    const uses = project.provision.map((s) => s.uses);

    it('creates the bot app with a service principal and a secret, single tenant', () => {
      for (const file of ['m365agents.yml', 'm365agents.local.yml']) {
        const create = readProject(file).provision.find((s) => s.uses === 'aadApp/create')!;
        expect(create.with, file).to.include({
          generateServicePrincipal: true,
          generateClientSecret: true,
          signInAudience: 'AzureADMyOrg',
        });
        expect(create.writeToEnvironmentFile, file).to.include({
          clientId: 'BOT_ID',
          clientSecret: 'SECRET_BOT_PASSWORD',
        });
      }
      expect(uses).to.not.include('botAadApp/create');
    });

    it('creates, packages, validates and uploads both Teams apps, the bot app and the IT app, in both project files', () => {
      for (const file of ['m365agents.yml', 'm365agents.local.yml']) {
        const steps = readProject(file).provision;
        const all = (uses: string) => steps.filter((s) => s.uses === uses);
        expect(
          all('teamsApp/create').map((s) => s.writeToEnvironmentFile!.teamsAppId),
          file,
        ).to.deep.equal(['TEAMS_APP_ID', 'TEAMS_IT_APP_ID']);
        const zips = all('teamsApp/zipAppPackage').map((s) => s.with!);
        expect(
          zips.map((z) => [z.manifestPath, z.outputZipPath]),
          file,
        ).to.deep.equal([
          ['./appPackage/manifest.json', './appPackage/build/appPackage.${{TEAMSFX_ENV}}.zip'],
          ['./appPackage/it/manifest.json', './appPackage/build/appPackage-it.${{TEAMSFX_ENV}}.zip'],
        ]);
        // Each writes manifest.<env>.json into its output folder: one folder each, or the second overwrites the first.
        expect(new Set(zips.map((z) => z.outputFolder)).size, file).to.equal(2);
        for (const uses of ['teamsApp/validateAppPackage', 'teamsApp/update']) {
          expect(
            all(uses).map((s) => s.with!.appPackagePath),
            `${file} ${uses}`,
          ).to.deep.equal(zips.map((z) => z.outputZipPath));
        }
      }
    });

    it('reaches arm/deploy only after every step that writes what its parameters use', () => {
      const at = (step: string) => uses.indexOf(step);
      expect(at('teamsApp/create')).to.be.lessThan(at('aadApp/create'));
      expect(at('aadApp/create')).to.be.lessThan(at('aadApp/update'));
      expect(at('aadApp/update')).to.be.lessThan(at('script'));
      expect(at('script')).to.be.lessThan(at('arm/deploy'));
      expect(project.provision[at('script')]!.with!.run).to.equal('npx tsx scripts/provisionSettings.ts');
      expect(at('arm/deploy')).to.be.lessThan(at('teamsApp/zipAppPackage'));
    });

    it('on an empty environment, the script settles every parameter of the Azure template: none is empty', () => {
      const env = firstProvisionEnvironment();
      const { outputs, problems } = provisionSettings(env);
      expect(problems).to.deep.equal([]);
      const template = fs.readFileSync(path.join(ROOT, 'infra', 'azure.parameters.json'), 'utf8');
      const filled = expandEnvironmentVariable(template, { ...env, ...outputs });
      expect(getEnvironmentVariables(filled)).to.deep.equal([]);
      const parameters = (JSON.parse(filled) as { parameters: Record<string, { value: unknown }> })
        .parameters;
      expect(parameters.supportCodeKey!.value).to.match(/^[0-9a-f]{64}$/);
      // The Graph app is the bot's own: its id and secret are the bot's.
      expect(parameters.graphClientId!.value).to.equal(env.BOT_ID);
      expect(parameters.graphClientSecret!.value).to.equal(env.SECRET_BOT_PASSWORD);
      expect(parameters.senderMailbox!.value).to.equal(env.SERVICE_DESK_MAILBOX);
      expect(parameters.resourceBaseName!.value).to.match(/^mfabuddy[0-9a-f]{6}$/);
      // Without the script the toolkit would stop at arm/deploy on the first empty secret.
      expect(getEnvironmentVariables(expandEnvironmentVariable(template, env))).to.include(
        'SECRET_SUPPORT_CODE_KEY',
      );
    });

    it('keeps the support-code key and the resource suffix once made, and follows a new bot password', () => {
      const first = provisionSettings(firstProvisionEnvironment()).outputs;
      const again = provisionSettings({
        ...firstProvisionEnvironment(),
        ...first,
        SECRET_BOT_PASSWORD: 'rotated~password',
      }).outputs;
      expect(again).to.not.have.property('SECRET_SUPPORT_CODE_KEY');
      expect(again).to.not.have.property('RESOURCE_SUFFIX');
      expect(again.SECRET_GRAPH_CLIENT_SECRET).to.equal('rotated~password');
    });

    it('stops before arm/deploy, naming each missing value and where it goes', () => {
      const env = firstProvisionEnvironment();
      const { problems } = provisionSettings({
        ...env,
        SERVICE_DESK_MAILBOX: '',
        SCHOOL_NAME: '',
        GRAPH_CLIENT_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3399',
        SECRET_SUPPORT_CODE_KEY: 'too-short',
      });
      expect(problems.join('\n')).to.match(/SERVICE_DESK_MAILBOX in env\/\.env\.dev .*empty/);
      expect(problems.join('\n')).to.match(/SCHOOL_NAME in env\/\.env\.dev/);
      expect(problems.join('\n')).to.match(/SECRET_GRAPH_CLIENT_SECRET/);
      expect(problems.join('\n')).to.match(/SECRET_SUPPORT_CODE_KEY in env\/\.env\.dev\.user must be 64 hex/);
      expect(problems).to.have.length(4);
    });

    it('as the toolkit runs it: values on stdout in the toolkit’s format, exit 1 with the reasons on stderr', () => {
      const run = (env: Record<string, string>) =>
        spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'provisionSettings.ts')], {
          env: { PATH: process.env.PATH ?? '', TEAMSFX_ENV: 'dev', ...env },
          encoding: 'utf8',
        });
      const ok = run(firstProvisionEnvironment());
      expect(ok.status).to.equal(0);
      // The toolkit's own pattern (scriptDriver's parseSetOutputCommand).
      const written = Object.fromEntries(
        [...ok.stdout.matchAll(/::(set-teamsfx-env|set-output)\s+(\w+)=((["'])(.*?)\4|[^"'\s]+)/g)].map(
          (m) => [m[2], m[5] ?? m[3]],
        ),
      );
      expect(Object.keys(written).sort()).to.deep.equal([
        'GRAPH_CLIENT_ID',
        'RESOURCE_SUFFIX',
        'SECRET_GRAPH_CLIENT_SECRET',
        'SECRET_SUPPORT_CODE_KEY',
        'SENDER_MAILBOX',
      ]);
      const failed = run({ ...firstProvisionEnvironment(), SERVICE_DESK_MAILBOX: '' });
      expect(failed.status).to.equal(1);
      expect(failed.stdout).to.equal('');
      expect(failed.stderr).to.match(/Not ready to create the Azure resources:\n {2}- SERVICE_DESK_MAILBOX/);
    });
  });

  describe('the bot app’s Graph permissions (aad.manifest.json)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'aad.manifest.json'), 'utf8')) as {
      id: string;
      appId: string;
      requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: string }[] }[];
    };

    it('are the application permissions docs/security.md lists, by their Graph ids, except Mail.Send', () => {
      const doc = fs.readFileSync(path.join(ROOT, 'docs', 'security.md'), 'utf8');
      const section = doc.slice(doc.indexOf('## Microsoft Graph application permissions'));
      const table = section.slice(0, section.indexOf('\n## ', 5));
      // Mail.Send is granted by Exchange's RBAC for Applications, scoped to one mailbox: never asked of Entra,
      // whose grant would add sending as anyone on top.
      const listed = [...table.matchAll(/^\| `([A-Za-z.]+)`/gm)]
        .map((m) => m[1])
        .filter((name) => name !== 'Mail.Send')
        .sort();
      expect(listed).to.have.length.greaterThan(5);

      // Microsoft Graph's own list of app roles, as the toolkit ships it (names to ids).
      const graph = (
        JSON.parse(
          fs.readFileSync(
            path.join(TOOLKIT_CORE, 'build/component/driver/aad/permissions/permissions.json'),
            'utf8',
          ),
        ) as { value: { appId: string; appRoles: { id: string; value: string }[] }[] }
      ).value.find((sp) => sp.appId === GRAPH)!;
      const roleName = new Map(graph.appRoles.map((r) => [r.id, r.value]));

      expect(manifest.requiredResourceAccess.map((r) => r.resourceAppId)).to.deep.equal([GRAPH]);
      const access = manifest.requiredResourceAccess[0]!.resourceAccess;
      expect(access.every((a) => a.type === 'Role')).to.equal(true);
      expect(access.map((a) => roleName.get(a.id)).sort()).to.deep.equal(listed);
    });

    it('apply to the app aadApp/create made (its object id and client id)', () => {
      expect(manifest.id).to.equal('${{BOT_OBJECT_ID}}');
      expect(manifest.appId).to.equal('${{BOT_ID}}');
      const update = readProject('m365agents.yml').provision.find((s) => s.uses === 'aadApp/update')!;
      expect(update.with!.manifestPath).to.equal('./aad.manifest.json');
    });
  });

  describe('the Azure template (infra/), parsed', () => {
    it('both Bicep files parse with no syntax error', async () => {
      for (const file of ['azure.bicep', 'botRegistration/azurebot.bicep']) {
        const parsed = await parseBicepFile(path.join(ROOT, 'infra', file));
        expect(parsed.syntaxErrors, file).to.deep.equal([]);
        expect(parsed.params.length, file).to.be.greaterThan(3);
      }
    });

    it('the parser does report broken Bicep', async () => {
      const parsed = await parseBicep("param a string\nresource x 'A/b@2020-01-01' = {\n  name: 'x'\n");
      expect(parsed.syntaxErrors).to.not.deep.equal([]);
    });

    it('the parameters file gives exactly the declared parameters, and every one without a default', async () => {
      const bicep = await parseBicepFile(path.join(ROOT, 'infra', 'azure.bicep'));
      const given = Object.keys(
        (
          JSON.parse(fs.readFileSync(path.join(ROOT, 'infra', 'azure.parameters.json'), 'utf8')) as {
            parameters: Record<string, unknown>;
          }
        ).parameters,
      );
      const declared = bicep.params.map((p) => p.name);
      expect(given.filter((name) => !declared.includes(name))).to.deep.equal([]);
      const required = bicep.params.filter((p) => !p.hasDefault).map((p) => p.name);
      expect(required.filter((name) => !given.includes(name))).to.deep.equal([]);
      // Secrets are secure parameters that cannot be empty.
      for (const name of ['botAadAppClientSecret', 'graphClientSecret', 'supportCodeKey']) {
        const param = bicep.params.find((p) => p.name === name)!;
        expect(param.decorators, name).to.include('@secure()');
        expect(
          param.decorators.some((d) => /^@minLength\([1-9]/.test(d)),
          name,
        ).to.equal(true);
      }
    });

    it('gives App Service every setting the bot needs, secrets as Key Vault references, on Node 22 LTS', async () => {
      const bicep = await parseBicepFile(path.join(ROOT, 'infra', 'azure.bicep'));
      const settings = bicep.nameValuePairs;
      for (const [name, value] of [
        ['TEAMS_APP_ID', 'teamsAppId'],
        ['TEAMS_IT_APP_ID', 'teamsItAppId'],
        ['SCHOOL_CONFIG', 'schoolConfigPath'],
        ['SENDER_MAILBOX', 'senderMailbox'],
        ['SERVICE_DESK_MAILBOX', 'serviceDeskMailbox'],
        ['BOT_ID', 'botAadAppClientId'],
        ['GRAPH_CLIENT_ID', 'graphClientId'],
        ['STORAGE', "'azure'"],
        ['BOT_PASSWORD', 'vaultRef.botPassword'],
        ['SUPPORT_CODE_KEY', 'vaultRef.supportCodeKey'],
        ['WEBSITE_RUN_FROM_PACKAGE', "'1'"],
        ['SCM_DO_BUILD_DURING_DEPLOYMENT', "'false'"],
      ]) {
        expect(settings.get(name!), name).to.equal(value);
      }
      expect(settings.get('GRAPH_CLIENT_SECRET')).to.equal(
        'graphIsBotApp ? vaultRef.botPassword : vaultRef.graphClientSecret',
      );
      const schoolConfig = bicep.params.find((p) => p.name === 'schoolConfigPath')!;
      expect(schoolConfig.hasDefault).to.equal(true);
      const source = fs.readFileSync(path.join(ROOT, 'infra', 'azure.bicep'), 'utf8');
      // The deploy package puts the school's policy there (scripts/packageDeploy.ts).
      expect(source).to.include("param schoolConfigPath string = '/home/site/wwwroot/config/school.yaml'");
      expect(source).to.include("linuxFxVersion: 'NODE|22-lts'");
      expect(source).to.not.match(/NODE\|20/);
    });

    it('storage redundancy is a parameter: locally redundant by default, zone-redundant only where asked', async () => {
      const bicep = await parseBicepFile(path.join(ROOT, 'infra', 'azure.bicep'));
      const sku = bicep.params.find((p) => p.name === 'storageSku')!;
      expect(sku.hasDefault).to.equal(true);
      const allowed = sku.decorators.find((d) => d.startsWith('@allowed'))!;
      expect([...allowed.matchAll(/'([A-Za-z_]+)'/g)].map((m) => m[1])).to.deep.equal([
        'Standard_LRS',
        'Standard_ZRS',
        'Standard_GRS',
        'Standard_GZRS',
      ]);
      expect(sku.decorators.find((d) => d.startsWith('@description'))).to.match(/ZRS.*availability zones/);
      const source = fs.readFileSync(path.join(ROOT, 'infra', 'azure.bicep'), 'utf8');
      expect(source).to.include("param storageSku string = 'Standard_LRS'");
      expect(source).to.include('sku: { name: storageSku }');
    });
  });
});
