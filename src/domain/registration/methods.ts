/**
 * The verification methods a user can have registered, as the bot reasons about them. Both Graph sources
 * (the registration report and the per-user methods list) are mapped onto these kinds by the directory
 * adapters. No contact details live here: an email method only says whether it is on the school's domain.
 */

/** One kind of registered method. */
export type MethodKind =
  /** Microsoft Authenticator (notification or code; passwordless sign-in too). */
  | 'authenticatorApp'
  /** A passkey kept in Microsoft Authenticator. */
  | 'authenticatorPasskey'
  /** Any other passkey or FIDO2 security key (often issued by IT to pupils without a smartphone). */
  | 'passkey'
  | 'windowsHello'
  /** macOS Platform Credential (Secure Enclave key). */
  | 'platformCredential'
  /** A code from an authenticator app other than Microsoft's (software OATH). */
  | 'softwareOath'
  /** A hardware token showing codes (hardware OATH), issued by IT. */
  | 'hardwareOath'
  /** The primary mobile: texts and calls. */
  | 'mobilePhone'
  /** An alternate mobile: calls only. */
  | 'alternateMobilePhone'
  /** An office or landline number: calls only. */
  | 'officePhone'
  | 'email'
  | 'securityQuestions'
  | 'temporaryAccessPass'
  | 'password'
  /** Something Graph returned that this version does not know: shown, never counted. */
  | 'other';

/** A registered method. */
export type RegisteredMethod =
  | {
      kind: 'email';
      /**
       * True when the address is on one of the school's own domains (a locked-out user could not read it).
       * Undefined when the source does not show the address (the registration report never does).
       */
      onSchoolDomain?: boolean;
    }
  | { kind: Exclude<MethodKind, 'email'> };

/** The method families shown on the status card, in the order they are shown. */
export const METHOD_FAMILIES = ['app', 'phone', 'email', 'questions', 'passkey', 'other'] as const;
export type MethodFamily = (typeof METHOD_FAMILIES)[number];

const FAMILY_OF: Record<MethodKind, MethodFamily | undefined> = {
  authenticatorApp: 'app',
  authenticatorPasskey: 'passkey',
  passkey: 'passkey',
  windowsHello: 'other',
  platformCredential: 'other',
  softwareOath: 'other',
  hardwareOath: 'other',
  mobilePhone: 'phone',
  alternateMobilePhone: 'phone',
  officePhone: 'phone',
  email: 'email',
  securityQuestions: 'questions',
  temporaryAccessPass: 'other',
  // Everyone has a password; it is not a verification method.
  password: undefined,
  other: 'other',
};

/** The status-card family a method belongs to (undefined for the password). */
export function familyOf(kind: MethodKind): MethodFamily | undefined {
  return FAMILY_OF[kind];
}

/**
 * True when `domain` (an email address's part after @, any case) is one of `schoolDomains` or below one
 * of them: "pupils.kscs.org.uk" is as unreadable to a locked-out pupil as "kscs.org.uk".
 */
export function isSchoolDomain(domain: string, schoolDomains: readonly string[]): boolean {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  return schoolDomains.some((s) => d === s || d.endsWith(`.${s}`));
}

/** The domain part of an email address, lower case; undefined when it is not an address. */
export function emailDomainOf(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return address.slice(at + 1).toLowerCase();
}

/**
 * The report's `methodsRegistered` names (userRegistrationDetails) mapped to kinds. Names Microsoft adds
 * later map to `other` in `kindOfReportMethod`.
 */
const REPORT_METHODS: Record<string, MethodKind> = {
  microsoftAuthenticatorPush: 'authenticatorApp',
  microsoftAuthenticatorPasswordless: 'authenticatorApp',
  passKeyDeviceBoundAuthenticator: 'authenticatorPasskey',
  passKeyDeviceBound: 'passkey',
  passKeyDeviceBoundWindowsHello: 'passkey',
  passKeySynced: 'passkey',
  fido2: 'passkey',
  windowsHelloForBusiness: 'windowsHello',
  macOsSecureEnclaveKey: 'platformCredential',
  softwareOneTimePasscode: 'softwareOath',
  hardwareOneTimePasscode: 'hardwareOath',
  mobilePhone: 'mobilePhone',
  alternateMobilePhone: 'alternateMobilePhone',
  officePhone: 'officePhone',
  email: 'email',
  securityQuestion: 'securityQuestions',
  temporaryAccessPass: 'temporaryAccessPass',
  appPassword: 'other',
};

/** The kind for one `methodsRegistered` entry of the registration report. */
export function kindOfReportMethod(name: string): MethodKind {
  return REPORT_METHODS[name] ?? 'other';
}

/** The report name for a kind, for `$filter=methodsRegistered/any(m: m eq '…')`. */
export function reportMethodNameOf(kind: Exclude<MethodKind, 'other' | 'password'>): string {
  const found = Object.entries(REPORT_METHODS).find(([, k]) => k === kind);
  return found![0];
}

/** Keeps one method per kind (an email with a known domain wins over one without). */
export function distinctMethods(methods: readonly RegisteredMethod[]): RegisteredMethod[] {
  const byKind = new Map<MethodKind, RegisteredMethod>();
  for (const method of methods) {
    const seen = byKind.get(method.kind);
    if (
      !seen ||
      (method.kind === 'email' && (seen as { onSchoolDomain?: boolean }).onSchoolDomain === undefined)
    )
      byKind.set(method.kind, method);
  }
  return [...byKind.values()];
}

const STRONG_KINDS: ReadonlySet<MethodKind> = new Set([
  'authenticatorApp',
  'authenticatorPasskey',
  'passkey',
  'windowsHello',
  'platformCredential',
  'softwareOath',
  'hardwareOath',
  'mobilePhone',
  'alternateMobilePhone',
  'officePhone',
]);
const RESET_KINDS: ReadonlySet<MethodKind> = new Set([
  'authenticatorApp',
  'softwareOath',
  'hardwareOath',
  'mobilePhone',
  'alternateMobilePhone',
  'officePhone',
  'email',
  'securityQuestions',
]);

/**
 * Microsoft's own verdicts as the registration report states them (a strong method for MFA; two reset
 * methods for SSPR), independent of the school's policy. Used where only methods are known (a tenant
 * without the report, the demo school); the school's verdict is `evaluateRegistration`.
 */
export function microsoftVerdicts(methods: readonly RegisteredMethod[]): {
  isMfaRegistered: boolean;
  isSsprRegistered: boolean;
} {
  const kinds = new Set(methods.map((m) => m.kind));
  return {
    isMfaRegistered: [...kinds].some((k) => STRONG_KINDS.has(k)),
    isSsprRegistered: [...kinds].filter((k) => RESET_KINDS.has(k)).length >= 2,
  };
}
