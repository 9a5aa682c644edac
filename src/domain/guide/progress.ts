/**
 * A user's progress through the guide, and the pure state machine that moves it. No I/O: the service
 * that owns persistence calls `applyGuideEvent` and stores the result.
 */
import type { MethodAvailability } from '../policy/availability';
import {
  isMidGuide,
  isSideBranch,
  type Choice,
  type FirstMethod,
  type SecondMethod,
  type StepId,
} from './steps';

/** What is stored per user (no names, no contact details: only where they are in the guide). */
export interface GuideProgress {
  step: StepId;
  /** Steps visited before `step`, most recent last, for Back. */
  history: StepId[];
  first?: FirstMethod;
  second?: SecondMethod;
  /** The step the user last said "I'm stuck" on. */
  stuckAt?: StepId;
}

/** Something the user did in the guide. `from` is the step of the card they pressed. */
export type GuideEvent =
  | { type: 'start' }
  | { type: 'restart' }
  | { type: 'next'; from: StepId }
  | { type: 'back'; from: StepId }
  | { type: 'choose'; from: StepId; choice: Choice }
  | { type: 'stuck'; from: StepId }
  /** Straight to a step (from the status card), noting the first method the user already has. */
  | { type: 'goto'; to: StepId; first?: FirstMethod };

export type GuideResult =
  { ok: true; progress: GuideProgress } | { ok: false; reason: 'notOffered' | 'nothingToGoBackTo' };

/** Bounded so a user clicking Next forever cannot grow their record without limit. */
const MAX_HISTORY = 40;

export const NEW_PROGRESS: GuideProgress = { step: 'welcome', history: [] };

const LINEAR_NEXT: Partial<Record<StepId, StepId>> = {
  welcome: 'chooseFirst',
  'first.app.get': 'first.app.open',
  'first.app.open': 'first.app.scan',
  'first.app.scan': 'first.app.approve',
  'first.app.link': 'first.app.approve',
  'first.app.approve': 'chooseSecond',
  'first.phone.switch': 'first.phone.choose',
  'first.phone.text': 'chooseSecond',
  'first.phone.call': 'chooseSecond',
  'second.app.get': 'second.app.scan',
  'second.app.scan': 'second.app.approve',
  'second.app.link': 'second.app.approve',
  'second.app.approve': 'finished',
  'second.phone.text': 'finished',
  'second.phone.call': 'finished',
  'second.email': 'finished',
  'second.questions': 'finished',
  finished: 'afterwards',
  // passkey: where the pupil came from, or the end (afterPasskey).
  'lost.phone': 'lost.visit',
  'lost.visit': 'lost.fix',
};

/** The choices a step offers today, in the order they are shown. */
export function choicesAt(step: StepId, progress: GuideProgress, methods: MethodAvailability): Choice[] {
  switch (step) {
    case 'chooseFirst':
      return [
        ...(methods.app ? (['app'] as const) : []),
        ...(methods.phone ? (['phone'] as const) : []),
        'noSmartphone',
      ];
    case 'noSmartphone':
      // IT's token or key lasts; texts and calls stop at the cut-off, so they are offered only when IT has neither.
      return methods.phone && !methods.fromIt.hardwareToken && !methods.fromIt.securityKey ? ['phone'] : [];
    case 'first.app.open':
    case 'first.app.scan':
    case 'second.app.scan':
      return ['onePhone'];
    case 'first.phone.text':
    case 'first.phone.call':
    case 'second.phone.text':
    case 'second.phone.call':
      return methods.passkeyPrompt === 'notYet' ? [] : ['passkeyPrompt'];
    case 'passkeyPrompt':
      return methods.passkey ? ['passkey'] : [];
    case 'lost.phone':
      return ['otherWay'];
    case 'afterwards':
      return ['notMe'];
    case 'first.phone.choose':
    case 'second.phone.choose':
      return [...(methods.text ? (['text'] as const) : []), ...(methods.call ? (['call'] as const) : [])];
    case 'chooseSecond': {
      const options: Choice[] = [];
      if (methods.app && progress.first !== 'app') options.push('app');
      if (methods.email) options.push('email');
      if (methods.phone && progress.first !== 'phone') options.push('phone');
      // A discouraged method still counts if someone has it, but the guide no longer leads anyone to it.
      if (methods.questions && !methods.questionsDiscouraged) options.push('questions');
      return options;
    }
    case 'finished':
      return methods.passkey && (progress.first === 'app' || progress.second === 'app') ? ['passkey'] : [];
    default:
      return [];
  }
}

function chosenStep(from: StepId, choice: Choice): StepId | undefined {
  const table: Partial<Record<StepId, Partial<Record<Choice, StepId>>>> = {
    chooseFirst: { app: 'first.app.get', phone: 'first.phone.switch', noSmartphone: 'noSmartphone' },
    noSmartphone: { phone: 'first.phone.switch' },
    'first.phone.choose': { text: 'first.phone.text', call: 'first.phone.call' },
    chooseSecond: {
      app: 'second.app.get',
      phone: 'second.phone.choose',
      email: 'second.email',
      questions: 'second.questions',
    },
    'second.phone.choose': { text: 'second.phone.text', call: 'second.phone.call' },
    finished: { passkey: 'passkey' },
    'first.app.open': { onePhone: 'first.app.link' },
    'first.app.scan': { onePhone: 'first.app.link' },
    'second.app.scan': { onePhone: 'second.app.link' },
    'first.phone.text': { passkeyPrompt: 'passkeyPrompt' },
    'first.phone.call': { passkeyPrompt: 'passkeyPrompt' },
    'second.phone.text': { passkeyPrompt: 'passkeyPrompt' },
    'second.phone.call': { passkeyPrompt: 'passkeyPrompt' },
    passkeyPrompt: { passkey: 'passkey' },
    'lost.phone': { otherWay: 'lost.fix' },
    afterwards: { notMe: 'notMe' },
  };
  return table[from]?.[choice];
}

/** The next step after `step` when it has a single way on. */
export function linearNext(step: StepId): StepId | undefined {
  return LINEAR_NEXT[step];
}

/**
 * Re-anchors progress on the step of the card that was pressed. A user may press a button on an older
 * card; we act on that card, as if they had gone back to it.
 */
function anchorAt(progress: GuideProgress, from: StepId): GuideProgress {
  if (progress.step === from) return progress;
  const at = progress.history.lastIndexOf(from);
  return { ...progress, step: from, history: at >= 0 ? progress.history.slice(0, at) : progress.history };
}

/**
 * How far through the guide the user is: a side branch (lost phone, "not me", the passkey prompt) counts as the
 * step it was entered from, so a pupil who finished and then asked about a lost phone is still finished.
 */
export function guideStepOf(progress: GuideProgress): StepId {
  if (!isSideBranch(progress.step)) return progress.step;
  for (let i = progress.history.length - 1; i >= 0; i--) {
    const step = progress.history[i]!;
    if (!isSideBranch(step)) return step;
  }
  return 'welcome';
}

/**
 * Next on the passkey step: Microsoft's passkey screen can come up part-way through (on a text or call step),
 * so a pupil who has not finished goes back to the step they came from, not to the guide's end with one method.
 */
function afterPasskey(here: GuideProgress): GuideProgress {
  let at = here.history.length - 1;
  while (at >= 0 && (here.history[at] === 'passkeyPrompt' || here.history[at] === 'passkey')) at--;
  const from = here.history[at];
  if (!from || !isMidGuide(from)) return moveTo(here, 'afterwards');
  return { ...here, step: from, history: here.history.slice(0, at) };
}

function moveTo(progress: GuideProgress, step: StepId, patch: Partial<GuideProgress> = {}): GuideProgress {
  const history = [...progress.history, progress.step].slice(-MAX_HISTORY);
  return { ...progress, ...patch, step, history };
}

/** Applies one event; refuses choices the step does not offer today (e.g. a text after the cut-off). */
export function applyGuideEvent(
  progress: GuideProgress,
  event: GuideEvent,
  methods: MethodAvailability,
): GuideResult {
  switch (event.type) {
    case 'start':
      return { ok: true, progress: progress.step === 'welcome' ? moveTo(progress, 'chooseFirst') : progress };
    case 'restart':
      return { ok: true, progress: { step: 'chooseFirst', history: ['welcome'] } };
    case 'stuck':
      return { ok: true, progress: { ...anchorAt(progress, event.from), stuckAt: event.from } };
    case 'goto':
      if (progress.step === event.to) return { ok: true, progress };
      return { ok: true, progress: moveTo(progress, event.to, event.first ? { first: event.first } : {}) };
    case 'back': {
      const here = anchorAt(progress, event.from);
      const previous = here.history[here.history.length - 1];
      if (!previous) return { ok: false, reason: 'nothingToGoBackTo' };
      return { ok: true, progress: { ...here, step: previous, history: here.history.slice(0, -1) } };
    }
    case 'next': {
      const here = anchorAt(progress, event.from);
      if (event.from === 'passkey') return { ok: true, progress: afterPasskey(here) };
      const next = linearNext(event.from);
      if (!next) return { ok: false, reason: 'notOffered' };
      return { ok: true, progress: moveTo(here, next) };
    }
    case 'choose': {
      const here = anchorAt(progress, event.from);
      const target = chosenStep(event.from, event.choice);
      if (!target || !choicesAt(event.from, here, methods).includes(event.choice)) {
        return { ok: false, reason: 'notOffered' };
      }
      const patch: Partial<GuideProgress> = {};
      if (event.from === 'chooseFirst' || event.from === 'noSmartphone') {
        if (event.choice === 'app' || event.choice === 'phone') patch.first = event.choice;
      }
      if (event.from === 'chooseSecond') patch.second = event.choice as SecondMethod;
      return { ok: true, progress: moveTo(here, target, patch) };
    }
  }
}
