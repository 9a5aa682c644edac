/**
 * The registration report filter applied in memory, for directories that hold the rows themselves (the demo
 * school, Graph's no-P1 fallback). Graph applies the same filter on its side through `$filter`.
 */
import type { RegistrationDetails, RegistrationReportFilter } from '../ports/directory';

export function matchesReportFilter(
  details: RegistrationDetails,
  userPrincipalName: string,
  filter: RegistrationReportFilter,
): boolean {
  if (filter.isMfaRegistered !== undefined && details.isMfaRegistered !== filter.isMfaRegistered)
    return false;
  if (filter.isSsprRegistered !== undefined && details.isSsprRegistered !== filter.isSsprRegistered)
    return false;
  if (filter.userType && details.userType !== filter.userType) return false;
  if (filter.methodRegistered && !details.methods.some((m) => m.kind === filter.methodRegistered))
    return false;
  const prefix = filter.userPrincipalNameStartsWith?.toLowerCase();
  return !prefix || userPrincipalName.toLowerCase().startsWith(prefix);
}
