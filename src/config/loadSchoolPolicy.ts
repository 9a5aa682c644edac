/** Reads the school policy file named by SCHOOL_CONFIG (YAML or JSON) and validates it. */
import fs from 'node:fs';
import YAML from 'yaml';
import { parseSchoolPolicy, type SchoolPolicy } from '../domain/policy/schoolPolicy';
import { ConfigError } from './env';

export function loadSchoolPolicy(filePath: string): SchoolPolicy {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `SCHOOL_CONFIG: cannot read ${filePath} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    ]);
  }
  let doc: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both.
    doc = YAML.parse(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError([
      `SCHOOL_CONFIG: ${filePath} is not valid YAML or JSON: ${(error as Error).message}`,
    ]);
  }
  const result = parseSchoolPolicy(doc);
  if (!result.ok) throw new ConfigError(result.problems.map((p) => `SCHOOL_CONFIG (${filePath}) ${p}`));
  return result.policy;
}
