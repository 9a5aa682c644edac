/**
 * Builds the two Teams app packages offline: fills the `${{VAR}}` placeholders of each manifest from
 * env/.env.<env> (then env/.env.<env>.user, then the process environment), validates it against its schema with
 * @microsoft/app-manifest, does the same for each language file the manifest names (localizationInfo: the app's
 * name, description and commands in the pupils' languages), checks the icons, and writes
 *
 * - appPackage/build/appPackage.<env>.zip from appPackage/manifest.json: MFA Buddy, the bot, for everyone;
 * - appPackage/build/appPackage-it.<env>.zip from appPackage/it/manifest.json: MFA Buddy IT, the IT progress
 *   tab alone, which the Teams admin makes available to the IT staff group only (a manifest cannot show a tab
 *   to some of an app's users and not others, and a bot id may be in one app only).
 *
 *   npm run package                 # env "local"
 *   npm run package -- --env dev
 */
import fs from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { parse as parseDotenv } from 'dotenv';
import { PNG } from 'pngjs';
import { languageFileProblems, languageFiles, type LanguageStrings } from './manifestLanguages';

export const APP_PACKAGE_DIR = path.resolve(__dirname, '..', 'appPackage');

/** Each Teams app: the folder with its manifest and icons, and its zip's name in appPackage/build. */
export const APP_PACKAGES = {
  bot: { dir: APP_PACKAGE_DIR, zipName: (envName: string) => `appPackage.${envName}.zip` },
  it: { dir: path.join(APP_PACKAGE_DIR, 'it'), zipName: (envName: string) => `appPackage-it.${envName}.zip` },
} as const;
export type AppPackageName = keyof typeof APP_PACKAGES;

/** Reads env/.env.<name> and env/.env.<name>.user (if present); later files and `overrides` win. */
export function environmentFor(name: string, overrides: NodeJS.ProcessEnv = {}): Record<string, string> {
  const envDir = path.resolve(APP_PACKAGE_DIR, '..', 'env');
  const values: Record<string, string> = {};
  for (const file of [`.env.${name}`, `.env.${name}.user`]) {
    const full = path.join(envDir, file);
    if (fs.existsSync(full)) Object.assign(values, parseDotenv(fs.readFileSync(full)));
  }
  for (const [key, value] of Object.entries(overrides))
    if (value !== undefined && value !== '') values[key] = value;
  // webApplicationInfo names the Entra app that calls Graph, so that TeamsAppInstallation.ReadWriteSelfForUser
  // lets it install this app; without a separate Graph app that is the bot's own.
  if (!values.GRAPH_CLIENT_ID && values.BOT_ID) values.GRAPH_CLIENT_ID = values.BOT_ID;
  return values;
}

/** Replaces `${{NAME}}` placeholders; reports the names that have no value. */
export function fillPlaceholders(
  text: string,
  values: Record<string, string>,
): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const filled = text.replace(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (_match, name: string) => {
    const value = values[name];
    // APP_NAME_SUFFIX ("-local") may legitimately be empty.
    if (!value && name !== 'APP_NAME_SUFFIX') missing.add(name);
    return value ?? '';
  });
  return { text: filled, missing: [...missing] };
}

/** Problems with the two icons Teams requires (size; outline white on transparent). */
export function iconProblems(dir = APP_PACKAGE_DIR): string[] {
  const problems: string[] = [];
  const color = PNG.sync.read(fs.readFileSync(path.join(dir, 'color.png')));
  if (color.width !== 192 || color.height !== 192)
    problems.push(`color.png is ${color.width}×${color.height}, not 192×192`);
  const outline = PNG.sync.read(fs.readFileSync(path.join(dir, 'outline.png')));
  if (outline.width !== 32 || outline.height !== 32) {
    problems.push(`outline.png is ${outline.width}×${outline.height}, not 32×32`);
  }
  let transparent = 0;
  for (let i = 0; i < outline.data.length; i += 4) {
    const [r, g, b, a] = [outline.data[i]!, outline.data[i + 1]!, outline.data[i + 2]!, outline.data[i + 3]!];
    if (a === 0) transparent++;
    else if (r !== 255 || g !== 255 || b !== 255) {
      problems.push('outline.png must be white on a transparent background');
      break;
    }
  }
  if (transparent === 0) problems.push('outline.png has no transparent background');
  return problems;
}

/** Validates and zips one app; returns the zip path or throws with every problem found. */
export async function buildAppPackage(
  envName: string,
  overrides: NodeJS.ProcessEnv = {},
  which: AppPackageName = 'bot',
): Promise<string> {
  const { dir, zipName } = APP_PACKAGES[which];
  const values = environmentFor(envName, overrides);
  const manifestPath = path.join(dir, 'manifest.json');
  const { text, missing } = fillPlaceholders(fs.readFileSync(manifestPath, 'utf8'), values);
  const manifest = JSON.parse(text) as AppManifest;
  const problems: string[] = [];
  // Each language file goes into the zip at the path the manifest names, its placeholders filled too.
  const languages: { file: string; strings: LanguageStrings }[] = [];
  const allMissing = new Set(missing);
  for (const { file } of languageFiles(manifest)) {
    const full = path.resolve(dir, file);
    if (path.relative(dir, full).startsWith('..') || !fs.existsSync(full)) {
      problems.push(
        `${file}: the manifest names it, but ${path.relative(path.dirname(APP_PACKAGE_DIR), dir)} has no such file`,
      );
      continue;
    }
    const filled = fillPlaceholders(fs.readFileSync(full, 'utf8'), values);
    filled.missing.forEach((name) => allMissing.add(name));
    try {
      languages.push({
        file: path.relative(dir, full).split(path.sep).join('/'),
        strings: JSON.parse(filled.text) as LanguageStrings,
      });
    } catch (error) {
      problems.push(`${file}: not JSON (${(error as Error).message})`);
    }
  }
  if (allMissing.size > 0) {
    problems.unshift(
      `no value for ${[...allMissing].join(', ')} (set them in env/.env.${envName} or the environment)`,
    );
  } else {
    problems.push(...(await AppManifestUtils.validateAgainstSchema(manifest)));
    for (const { file, strings } of languages)
      problems.push(...languageFileProblems(manifest, file, strings));
  }
  problems.push(...iconProblems(dir));
  if (problems.length > 0) {
    const where = path.relative(path.dirname(APP_PACKAGE_DIR), manifestPath);
    throw new Error(`The app package (${where}) is not valid:\n  - ${problems.join('\n  - ')}`);
  }

  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
  for (const { file, strings } of languages) zip.addFile(file, Buffer.from(JSON.stringify(strings, null, 2)));
  zip.addLocalFile(path.join(dir, 'color.png'));
  zip.addLocalFile(path.join(dir, 'outline.png'));
  const outDir = path.join(APP_PACKAGE_DIR, 'build');
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, zipName(envName));
  zip.writeZip(out);
  return out;
}

/** `npm run package`: both apps, the bot's first; throws at the first that is not valid. */
export async function buildAppPackages(
  envName: string,
  overrides: NodeJS.ProcessEnv = {},
): Promise<string[]> {
  const written: string[] = [];
  for (const which of Object.keys(APP_PACKAGES) as AppPackageName[]) {
    written.push(await buildAppPackage(envName, overrides, which));
  }
  return written;
}

if (require.main === module) {
  const at = process.argv.indexOf('--env');
  const envName = at >= 0 ? (process.argv[at + 1] ?? 'local') : 'local';
  buildAppPackages(envName, process.env).then(
    (written) => {
      for (const out of written) console.log(`wrote ${path.relative(process.cwd(), out)}`);
    },
    (error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    },
  );
}
