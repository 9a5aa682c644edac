/**
 * Authentication method objects as `/users/{id}/authentication/methods` returns them (v1.0 shapes), with
 * made-up contact details (Ofcom's drama number range, example domains). Tests build users from these.
 */
import crypto from 'node:crypto';

export type GraphMethodJson = Record<string, unknown> & { '@odata.type': string; id: string };

const id = () => crypto.randomUUID();

export const graphMethod = {
  password: (): GraphMethodJson => ({
    '@odata.type': '#microsoft.graph.passwordAuthenticationMethod',
    id: '28c10230-6103-485e-b985-444c60001490',
    password: null,
    createdDateTime: '2024-09-01T08:00:00Z',
  }),
  authenticator: (): GraphMethodJson => ({
    '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
    id: id(),
    displayName: 'Pixel 7',
    deviceTag: 'SoftwareTokenActivated',
    phoneAppVersion: '6.2401.0119',
    createdDateTime: '2026-10-01T09:00:00Z',
  }),
  phone: (phoneType: 'mobile' | 'alternateMobile' | 'office'): GraphMethodJson => ({
    '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
    id:
      phoneType === 'mobile'
        ? '3179e48a-750b-4051-897c-87b9720928f7'
        : phoneType === 'alternateMobile'
          ? 'b6332ec1-7057-4abe-9331-3d72feddfe41'
          : 'e37fc753-ff3b-4958-9484-eaa9425c82bc',
    phoneNumber: '+44 7700 900123',
    phoneType,
    smsSignInState: phoneType === 'mobile' ? 'notAllowedByPolicy' : 'notSupported',
  }),
  email: (emailAddress: string): GraphMethodJson => ({
    '@odata.type': '#microsoft.graph.emailAuthenticationMethod',
    id: '3ddfcfc8-9383-446f-83cc-3ab9be4be18f',
    emailAddress,
  }),
  fido2: (model = 'YubiKey 5 NFC', aaGuid = 'cb69481e-8ff7-4039-93ec-0a2729a154a8'): GraphMethodJson => ({
    '@odata.type': '#microsoft.graph.fido2AuthenticationMethod',
    id: id(),
    displayName: 'Security key',
    createdDateTime: '2026-10-01T09:00:00Z',
    aaGuid,
    model,
    attestationCertificates: [],
    attestationLevel: 'attested',
  }),
  authenticatorPasskey: (): GraphMethodJson =>
    graphMethod.fido2('Microsoft Authenticator - Android', 'de1e552d-db1d-4423-a619-566b625cdc84'),
  softwareOath: (): GraphMethodJson => ({
    '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod',
    id: id(),
    secretKey: null,
  }),
  hardwareOath: (): GraphMethodJson => ({
    '@odata.type': '#microsoft.graph.hardwareOathAuthenticationMethod',
    id: id(),
    displayName: 'Token',
    serialNumber: '000123',
    manufacturer: 'Contoso',
    model: 'Hardware token',
  }),
  temporaryAccessPass: (): GraphMethodJson => ({
    '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
    id: id(),
    temporaryAccessPass: null,
    createdDateTime: '2026-11-30T08:00:00Z',
    startDateTime: '2026-11-30T08:00:00Z',
    lifetimeInMinutes: 60,
    isUsableOnce: true,
    isUsable: true,
    methodUsabilityReason: 'EnabledByPolicy',
  }),
  windowsHello: (): GraphMethodJson => ({
    '@odata.type': '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
    id: id(),
    displayName: 'LAPTOP-01',
    createdDateTime: '2026-09-01T08:00:00Z',
    keyStrength: 'normal',
  }),
  platformCredential: (): GraphMethodJson => ({
    '@odata.type': '#microsoft.graph.platformCredentialAuthenticationMethod',
    id: id(),
    displayName: 'MacBook',
    keyStrength: 'normal',
    platform: 'macOS',
  }),
};

/** The report's `methodsRegistered` name for a methods-list entry (undefined for the password). */
export function reportNameOf(method: GraphMethodJson): string | undefined {
  switch (method['@odata.type']) {
    case '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod':
      return 'microsoftAuthenticatorPush';
    case '#microsoft.graph.phoneAuthenticationMethod':
      return method.phoneType === 'alternateMobile'
        ? 'alternateMobilePhone'
        : method.phoneType === 'office'
          ? 'officePhone'
          : 'mobilePhone';
    case '#microsoft.graph.emailAuthenticationMethod':
      return 'email';
    case '#microsoft.graph.fido2AuthenticationMethod':
      return /Authenticator/.test(String(method.model))
        ? 'passKeyDeviceBoundAuthenticator'
        : 'passKeyDeviceBound';
    case '#microsoft.graph.softwareOathAuthenticationMethod':
      return 'softwareOneTimePasscode';
    case '#microsoft.graph.hardwareOathAuthenticationMethod':
      return 'hardwareOneTimePasscode';
    case '#microsoft.graph.temporaryAccessPassAuthenticationMethod':
      return 'temporaryAccessPass';
    case '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod':
      return 'windowsHelloForBusiness';
    case '#microsoft.graph.platformCredentialAuthenticationMethod':
      return 'macOsSecureEnclaveKey';
    default:
      return undefined;
  }
}
