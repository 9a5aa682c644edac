/**
 * The Teams app's name, description and command menu in the pupils' languages: the manifest's
 * `localizationInfo` names one file per language (Teams' localization file: "name.short",
 * "bots[0].commandLists[0].commands[1].title"… and their text), and Teams shows the one matching the client's
 * language, the manifest's own strings otherwise. These helpers find and check such files offline, with the
 * schemas @microsoft/app-manifest bundles.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppManifest } from '@microsoft/app-manifest';
import Ajv from 'ajv';

/** A localization file's strings by key ("name.short", "bots[0].commandLists[0].commands[1].title"). */
export type LanguageStrings = Record<string, string>;

/** One language the manifest names: its tag and the file's path relative to the manifest. */
export interface LanguageFileRef {
  languageTag: string;
  file: string;
}

interface LocalizedManifest {
  manifestVersion: string;
  name: { short: string; full?: string };
  description: { short: string; full: string };
  localizationInfo?: {
    defaultLanguageTag: string;
    defaultLanguageFile?: string;
    additionalLanguages?: LanguageFileRef[];
  };
  bots?: { commandLists?: { commands: { title: string; description: string }[] }[] }[];
  staticTabs?: { name?: string }[];
}

/** The language files the manifest names (the default language's file, if any, first). */
export function languageFiles(manifest: AppManifest): LanguageFileRef[] {
  const info = (manifest as unknown as LocalizedManifest).localizationInfo;
  if (!info) return [];
  return [
    ...(info.defaultLanguageFile
      ? [{ languageTag: info.defaultLanguageTag, file: info.defaultLanguageFile }]
      : []),
    ...(info.additionalLanguages ?? []),
  ];
}

/** The `$schema` a localization file must name: Teams wants the manifest's version in both. */
export function localizationSchemaUrl(manifestVersion: string): string {
  return `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.Localization.schema.json`;
}

/** The bundled copy of that schema, or undefined when @microsoft/app-manifest has none for the version. */
export function bundledLocalizationSchema(manifestVersion: string): object | undefined {
  const file = path.join(
    path.dirname(require.resolve('@microsoft/app-manifest/package.json')),
    'build',
    'json-schemas',
    'teams',
    `v${manifestVersion}`,
    'MicrosoftTeams.Localization.schema.json',
  );
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as object) : undefined;
}

/** The manifest's own strings (its default language) under the keys a localization file gives them. */
export function defaultLanguageStrings(manifest: AppManifest): LanguageStrings {
  const m = manifest as unknown as LocalizedManifest;
  const strings: LanguageStrings = { 'name.short': m.name.short };
  if (m.name.full) strings['name.full'] = m.name.full;
  strings['description.short'] = m.description.short;
  strings['description.full'] = m.description.full;
  m.staticTabs?.forEach((tab, t) => {
    if (tab.name) strings[`staticTabs[${t}].name`] = tab.name;
  });
  m.bots?.forEach((bot, b) =>
    bot.commandLists?.forEach((list, l) =>
      list.commands.forEach((command, c) => {
        const key = `bots[${b}].commandLists[${l}].commands[${c}]`;
        strings[`${key}.title`] = command.title;
        strings[`${key}.description`] = command.description;
      }),
    ),
  );
  return strings;
}

/**
 * A language file checked against the localization schema. Its patterns are written for JavaScript's
 * non-Unicode regular expressions (an unescaped "]"), which @microsoft/app-manifest's validator cannot compile,
 * and it is a draft-04 schema whose keywords here mean the same in Ajv's default draft.
 */
function localizationSchemaErrors(schema: object, strings: LanguageStrings): string[] {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    unicodeRegExp: false,
    validateSchema: false,
    formats: { uri: (text: string) => URL.canParse(text) },
  });
  const validate = ajv.compile(schema);
  if (validate(strings)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
  );
}

/**
 * What is wrong with one language file of `manifest` (already parsed, placeholders filled): its `$schema` is not
 * the localization schema of the manifest's version, it fails that schema (checked offline), it translates a
 * string the manifest does not have (a command since removed).
 */
export function languageFileProblems(
  manifest: AppManifest,
  file: string,
  strings: LanguageStrings,
): string[] {
  const problems: string[] = [];
  const version = (manifest as unknown as LocalizedManifest).manifestVersion;
  const schemaUrl = localizationSchemaUrl(version);
  if (strings.$schema !== schemaUrl) problems.push(`${file}: $schema must be ${schemaUrl}`);
  const schema = bundledLocalizationSchema(version);
  if (!schema) {
    problems.push(`${file}: @microsoft/app-manifest bundles no localization schema for v${version}`);
  } else {
    problems.push(...localizationSchemaErrors(schema, strings).map((error) => `${file}: ${error}`));
  }
  const known = defaultLanguageStrings(manifest);
  const stale = Object.keys(strings).filter(
    (key) => key !== '$schema' && key !== 'localizationKeys' && !(key in known),
  );
  if (stale.length > 0) problems.push(`${file}: the manifest has no ${stale.join(', ')}`);
  return problems;
}
