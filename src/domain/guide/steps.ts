/**
 * The steps of the registration guide, following the school's own guide: choose a first method, set it
 * up, set up a second one, finish. Step ids are stable strings: they are stored in user progress and
 * carried in card actions, so renaming one is a data migration.
 */

export const STEP_IDS = [
  'welcome',
  'chooseFirst',
  'noSmartphone',
  'first.app.get',
  'first.app.open',
  'first.app.scan',
  /** Only a phone: the page's "Pair your account to the app" link instead of the QR code. */
  'first.app.link',
  'first.app.approve',
  'first.phone.switch',
  'first.phone.choose',
  'first.phone.text',
  'first.phone.call',
  'chooseSecond',
  'second.app.get',
  'second.app.scan',
  'second.app.link',
  'second.app.approve',
  'second.phone.choose',
  'second.phone.text',
  'second.phone.call',
  'second.email',
  'second.questions',
  'finished',
  'passkey',
  'afterwards',
  // Side branches, reached from a step's button or from what the user types.
  /** Lost phone: why IT's one-time pass is needed, getting it, then swapping the phone on the page. */
  'lost.phone',
  'lost.visit',
  'lost.fix',
  /** Microsoft's own "add a passkey" screen, explained. */
  'passkeyPrompt',
  /** A sign-in the user did not start: deny it, change the password, tell IT now. */
  'notMe',
] as const;

/** One step of the guide. */
export type StepId = (typeof STEP_IDS)[number];

const stepSet: ReadonlySet<string> = new Set(STEP_IDS);

/** Narrows untrusted input (a card payload, a stored row) to a step id. */
export function isStepId(value: unknown): value is StepId {
  return typeof value === 'string' && stepSet.has(value);
}

/** Every choice a button on a choice step can carry. */
export const CHOICES = [
  'app',
  'phone',
  'noSmartphone',
  'text',
  'call',
  'email',
  'questions',
  'passkey',
  /** Setting up the app with only a phone (no second screen for the QR code). */
  'onePhone',
  /** Lost phone, but another method can still approve a sign-in. */
  'otherWay',
  'passkeyPrompt',
  'notMe',
] as const;
export type Choice = (typeof CHOICES)[number];

/** The method chosen for a slot. */
export type FirstMethod = 'app' | 'phone';
export type SecondMethod = 'app' | 'phone' | 'email' | 'questions';

/** Steps a user can be "in the middle of" (so a returning user is offered to carry on). */
export function isMidGuide(step: StepId): boolean {
  return step !== 'welcome' && step !== 'finished' && step !== 'passkey' && step !== 'afterwards';
}

/**
 * Side branches any step can lead into (typed words such as "lost my phone", or a button) and Back returns from:
 * they say nothing about how far through the guide the user is.
 */
export function isSideBranch(step: StepId): boolean {
  return step.startsWith('lost.') || step === 'notMe' || step === 'passkeyPrompt';
}

/** Steps after which both methods are set up. */
export function isFinishedStep(step: StepId): boolean {
  return step === 'finished' || step === 'passkey' || step === 'afterwards';
}

/** Rough position in the guide, for "step 3 of 7"-style progress on cards. */
export function stageOf(step: StepId): 'start' | 'first' | 'second' | 'done' {
  if (step === 'welcome' || step === 'chooseFirst' || step === 'noSmartphone') return 'start';
  if (step.startsWith('first.')) return 'first';
  if (step === 'chooseSecond' || step.startsWith('second.')) return 'second';
  return 'done';
}
