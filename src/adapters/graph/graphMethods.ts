/**
 * Maps Graph's authentication method objects (`/users/{id}/authentication/methods`) onto the bot's method
 * kinds. The email address is read here, compared with the school's domains, and dropped.
 */
import {
  emailDomainOf,
  isSchoolDomain,
  type MethodKind,
  type RegisteredMethod,
} from '../../domain/registration/methods';

/** One entry of the methods list, as Graph sends it (only the fields read here). */
export interface GraphAuthenticationMethod {
  '@odata.type'?: string;
  id?: string;
  phoneType?: string;
  emailAddress?: string;
  aaGuid?: string;
  model?: string;
}

/** AAGUIDs of passkeys held in Microsoft Authenticator (iOS, Android). */
const AUTHENTICATOR_AAGUIDS = new Set([
  '90a3ccdf-635c-4729-a248-9b709135078f',
  'de1e552d-db1d-4423-a619-566b625cdc84',
]);

const BY_TYPE: Record<string, Exclude<MethodKind, 'email'>> = {
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'authenticatorApp',
  '#microsoft.graph.passwordlessMicrosoftAuthenticatorAuthenticationMethod': 'authenticatorApp',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHello',
  '#microsoft.graph.platformCredentialAuthenticationMethod': 'platformCredential',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOath',
  '#microsoft.graph.hardwareOathAuthenticationMethod': 'hardwareOath',
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPass',
  '#microsoft.graph.passwordAuthenticationMethod': 'password',
};

/** Maps one Graph method; `schoolDomains` decide whether an email method is a school address. */
export function methodFromGraph(
  method: GraphAuthenticationMethod,
  schoolDomains: readonly string[],
): RegisteredMethod {
  const type = method['@odata.type'] ?? '';
  switch (type) {
    case '#microsoft.graph.phoneAuthenticationMethod':
      return {
        kind:
          method.phoneType === 'alternateMobile'
            ? 'alternateMobilePhone'
            : method.phoneType === 'office'
              ? 'officePhone'
              : 'mobilePhone',
      };
    case '#microsoft.graph.emailAuthenticationMethod': {
      const domain = method.emailAddress ? emailDomainOf(method.emailAddress) : undefined;
      return { kind: 'email', onSchoolDomain: domain ? isSchoolDomain(domain, schoolDomains) : undefined };
    }
    case '#microsoft.graph.fido2AuthenticationMethod': {
      const inAuthenticator =
        AUTHENTICATOR_AAGUIDS.has((method.aaGuid ?? '').toLowerCase()) ||
        /microsoft authenticator/i.test(method.model ?? '');
      return { kind: inAuthenticator ? 'authenticatorPasskey' : 'passkey' };
    }
    default:
      return { kind: BY_TYPE[type] ?? 'other' };
  }
}
