/**
 * Microsoft's announced changes to MFA and SSPR methods (product.md). They are the defaults of the
 * school policy file, not facts the code relies on: a school overrides them there if Microsoft moves a date.
 */
export const MICROSOFT_DATES = {
  /** From this date users with text/call methods get passkeys enabled and are prompted to register one. */
  passkeyPromptFrom: '2026-09-01',
  /** From this date SSPR only accepts methods the user registered (not numbers merely in the directory). */
  ssprRegisteredMethodsOnlyFrom: '2026-10-05',
  /** From this date Microsoft-provided text and call codes stop being delivered (MFA and SSPR). */
  smsVoiceDeliveryEnds: '2027-02-01',
  /** From this date security questions stop working for password reset. */
  securityQuestionsResetEnds: '2027-03-01',
} as const;
