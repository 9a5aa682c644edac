/**
 * Builds the Teams app package offline: fills the `${{VAR}}` placeholders of appPackage/manifest.json from
 * env/.env.<env> (then env/.env.<env>.user, then the process environment), validates the manifest against
 * its schema with @microsoft/app-manifest, checks the icons, and writes appPackage/build/appPackage.<env>.zip.
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

export const APP_PACKAGE_DIR = path.resolve(__dirname, '..', 'appPackage');

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

/** Validates and zips; returns the zip path or throws with every problem found. */
export async function buildAppPackage(envName: string, overrides: NodeJS.ProcessEnv = {}): Promise<string> {
  const values = environmentFor(envName, overrides);
  const { text, missing } = fillPlaceholders(
    fs.readFileSync(path.join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8'),
    values,
  );
  const problems: string[] = [];
  if (missing.length > 0) {
    problems.push(`no value for ${missing.join(', ')} (set them in env/.env.${envName} or the environment)`);
  }
  const manifest = JSON.parse(text) as AppManifest;
  if (missing.length === 0) problems.push(...(await AppManifestUtils.validateAgainstSchema(manifest)));
  problems.push(...iconProblems());
  if (problems.length > 0) throw new Error(`The app package is not valid:\n  - ${problems.join('\n  - ')}`);

  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
  zip.addLocalFile(path.join(APP_PACKAGE_DIR, 'color.png'));
  zip.addLocalFile(path.join(APP_PACKAGE_DIR, 'outline.png'));
  const outDir = path.join(APP_PACKAGE_DIR, 'build');
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `appPackage.${envName}.zip`);
  zip.writeZip(out);
  return out;
}

if (require.main === module) {
  const at = process.argv.indexOf('--env');
  const envName = at >= 0 ? (process.argv[at + 1] ?? 'local') : 'local';
  buildAppPackage(envName, process.env).then(
    (out) => console.log(`wrote ${path.relative(process.cwd(), out)}`),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    },
  );
}
