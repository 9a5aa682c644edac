/** The first lines of the setup check: whether the configuration reads, and what mode it puts the bot in. */
import { fail, ok, warn, type CheckLine } from './checkLine';

/** Each configuration problem (they name the variable or the policy key), as a failed line. */
export function configurationFailures(problems: readonly string[]): CheckLine[] {
  return problems.map((problem) =>
    fail(
      `Configuration: ${problem}`,
      'Correct it where the bot’s settings live (the App Service’s settings, env/.env.<environment> or the policy file) and run the check again.',
    ),
  );
}

export interface ConfigurationFacts {
  policyPath: string;
  /** SCHOOL_CONFIG is unset: the sample policy for the demo school is in use. */
  samplePolicy: boolean;
  graphConfigured: boolean;
}

export function configurationChecks(facts: ConfigurationFacts): CheckLine[] {
  const lines = [ok(`Configuration: the environment and the school policy (${facts.policyPath}) are valid`)];
  if (facts.samplePolicy) {
    lines.push(
      warn(
        'SCHOOL_CONFIG is not set, so the sample policy is in use: the demo school’s name, dates and group ids',
        'Copy config/kscs.school.yaml, make it your school’s, and set SCHOOL_CONFIG to its path.',
      ),
    );
  }
  if (!facts.graphConfigured) {
    lines.push(
      warn(
        'Microsoft Graph: GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET are not set, so the bot runs on the built-in demo school; only the policy and the endpoint are checked',
        'Set GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET, TENANT_ID and SUPPORT_CODE_KEY to serve the school’s real tenant.',
      ),
    );
  }
  return lines;
}
