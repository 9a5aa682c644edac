/**
 * What each guide step's card offers, as data and without words: a choice between methods, or instructions
 * with the buttons that move on (above Back, I'm stuck and Start again, which every step has). Where the user
 * goes from each button is the step machine's (src/domain/guide/progress.ts); this decides which buttons exist.
 */
import { choicesAt, type GuideProgress } from '../../domain/guide/progress';
import type { Category } from '../../domain/escalation/categories';
import type { Choice, FirstMethod, SecondMethod, StepId } from '../../domain/guide/steps';
import type { MethodAvailability } from '../../domain/policy/availability';
import { evaluateRegistration, type Reason } from '../../domain/registration/evaluateRegistration';
import type { RegisteredMethod } from '../../domain/registration/methods';

/** A button that moves the user on from a step. */
export type StepAction =
  | { kind: 'next' }
  | { kind: 'choose'; choice: Choice }
  /**
   * Into the help flow, as a step's own button (not the "I'm stuck" every step has); with a category, straight
   * to "how would you like help?" for it.
   */
  | { kind: 'getHelp'; category?: Category }
  /** The user's support code, to show the desk from a school computer. */
  | { kind: 'supportCode' }
  | { kind: 'checkStatus' }
  /** Into the step that fixes what the school's check would refuse. */
  | { kind: 'fix'; reason: Reason };

export type StepLayout =
  | { kind: 'welcome' }
  /** The methods on offer here today, in the order they are shown. */
  | { kind: 'choice'; choices: Choice[] }
  | { kind: 'instructions'; actions: StepAction[] }
  /** The guide's end when the two methods chosen would not pass the school's check. */
  | { kind: 'nearlyDone'; blocking: Reason[]; actions: StepAction[] };

const NEXT: StepAction = { kind: 'next' };

/** The methods a user set up by following the guide, as the school's check sees them. */
function methodsChosen(progress: GuideProgress): RegisteredMethod[] {
  const kinds: Record<FirstMethod | SecondMethod, RegisteredMethod> = {
    app: { kind: 'authenticatorApp' },
    phone: { kind: 'mobilePhone' },
    // The guide's email step rules out a school address.
    email: { kind: 'email', onSchoolDomain: false },
    questions: { kind: 'securityQuestions' },
  };
  return [progress.first, progress.second].flatMap((m) => (m ? [kinds[m]] : []));
}

/** A step's choices as buttons. */
function chosen(step: StepId, progress: GuideProgress, methods: MethodAvailability): StepAction[] {
  return choicesAt(step, progress, methods).map((choice) => ({ kind: 'choose', choice }));
}

/** The layout of `step`'s card for this user today. */
export function stepLayout(step: StepId, progress: GuideProgress, methods: MethodAvailability): StepLayout {
  switch (step) {
    case 'welcome':
      return { kind: 'welcome' };
    case 'chooseFirst':
    case 'chooseSecond':
    case 'first.phone.choose':
    case 'second.phone.choose':
      return { kind: 'choice', choices: choicesAt(step, progress, methods) };
    case 'noSmartphone': {
      const help: StepAction = { kind: 'getHelp', category: 'noSmartphone' };
      return { kind: 'instructions', actions: [...chosen(step, progress, methods), help] };
    }
    case 'first.app.open':
    case 'first.app.scan':
    case 'second.app.scan':
    case 'lost.phone':
    case 'first.phone.text':
    case 'first.phone.call':
    case 'second.phone.text':
    case 'second.phone.call':
      return { kind: 'instructions', actions: [NEXT, ...chosen(step, progress, methods)] };
    case 'lost.visit':
      return { kind: 'instructions', actions: [{ kind: 'supportCode' }, NEXT] };
    case 'lost.fix':
      return { kind: 'instructions', actions: [{ kind: 'checkStatus' }] };
    case 'passkeyPrompt':
      return {
        kind: 'instructions',
        actions: [...chosen(step, progress, methods), { kind: 'getHelp', category: 'noSmartphone' }],
      };
    case 'notMe':
      return { kind: 'instructions', actions: [{ kind: 'getHelp', category: 'signInNotMe' }] };
    case 'finished': {
      // The page accepts any two methods; the school's check may not (texts and calls only, questions only).
      const blocking = evaluateRegistration(methodsChosen(progress), methods).reasons.filter(
        (r) => r.blocking,
      );
      if (blocking.length > 0) {
        // One fix button: with Back, I'm stuck and Start again, more would pass Teams' five actions.
        return { kind: 'nearlyDone', blocking, actions: [{ kind: 'fix', reason: blocking[0]! }, NEXT] };
      }
      const passkey = choicesAt(step, progress, methods).includes('passkey');
      return {
        kind: 'instructions',
        actions: passkey ? [NEXT, { kind: 'choose', choice: 'passkey' }] : [NEXT],
      };
    }
    case 'afterwards':
      return { kind: 'instructions', actions: [{ kind: 'checkStatus' }, ...chosen(step, progress, methods)] };
    default:
      return { kind: 'instructions', actions: [NEXT] };
  }
}
