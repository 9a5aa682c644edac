/**
 * The words of the guide: one card per step, following the school's guide and today's method rules.
 * Pure: (step, progress, context) → card JSON. The step machine decides where a user is; this decides what
 * they read there.
 */
import { choicesAt, type GuideProgress } from '../domain/guide/progress';
import type { Choice, FirstMethod, SecondMethod, StepId } from '../domain/guide/steps';
import { evaluateRegistration, type Reason } from '../domain/registration/evaluateRegistration';
import type { RegisteredMethod } from '../domain/registration/methods';
import {
  renderChoiceCard,
  renderGuideStepCard,
  renderWelcomeCard,
  type CardButton,
  type CardLink,
  type CardTip,
} from '../cards/renderCards';
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import { fixButton, reasonText } from './reasonWords';
import { Verb } from './verbs';
import {
  dateText,
  deadlineText,
  NEVER_SHARE,
  phoneEndsWarning,
  schoolAddressText,
  schoolName,
  shortUrl,
  supportHoursText,
  type ViewContext,
} from './wording';

/** Titles of the steps as a user would recognise them ("you were at: Scan the QR code"). */
export const STEP_TITLES: Record<StepId, string> = {
  welcome: 'Welcome',
  chooseFirst: 'Choose your first method',
  noSmartphone: 'No smartphone',
  'first.app.get': 'Get the Authenticator app',
  'first.app.open': 'Open the sign-up page',
  'first.app.scan': 'Scan the QR code',
  'first.app.approve': 'Approve the test',
  'first.phone.switch': 'Pick Phone on the page',
  'first.phone.choose': 'Text or call',
  'first.phone.text': 'Get a code by text',
  'first.phone.call': 'Get a phone call',
  chooseSecond: 'Choose your second method',
  'second.app.get': 'Get the Authenticator app (second method)',
  'second.app.scan': 'Scan the QR code (second method)',
  'second.app.approve': 'Approve the test (second method)',
  'second.phone.choose': 'Text or call (second method)',
  'second.phone.text': 'Get a code by text (second method)',
  'second.phone.call': 'Get a phone call (second method)',
  'second.email': 'Add a personal email',
  'second.questions': 'Set up security questions',
  finished: 'Finished',
  passkey: 'Add a passkey',
  afterwards: 'What happens now',
};

const APP_STORE: CardLink = {
  title: 'App Store (iPhone)',
  url: 'https://apps.apple.com/app/microsoft-authenticator/id983156458',
};
const GOOGLE_PLAY: CardLink = {
  title: 'Google Play (Android)',
  url: 'https://play.google.com/store/apps/details?id=com.azure.authenticator',
};

/** The buttons under every step: back, I'm stuck, start again. */
export function navButtons(from: StepId, options: { back?: boolean } = {}): CardButton[] {
  const buttons: CardButton[] = [];
  if (options.back !== false) buttons.push({ title: '◀ Back', data: { verb: Verb.GuideBack, from } });
  buttons.push({ title: "I'm stuck", data: { verb: Verb.GuideStuck, from } });
  buttons.push({ title: 'Start again', data: { verb: Verb.GuideRestart } });
  return buttons;
}

function next(from: StepId, title = 'Next ▶'): CardButton {
  return { title, data: { verb: Verb.GuideNext, from } };
}

function choose(from: StepId, choice: Choice, title: string): CardButton {
  return { title, data: { verb: Verb.GuideChoose, from, choice } };
}

function progressLine(step: StepId): string | undefined {
  if (step.startsWith('first.')) return 'Method 1 of 2';
  if (step === 'chooseSecond' || step.startsWith('second.')) return 'Method 2 of 2';
  return undefined;
}

function pageLink(ctx: ViewContext): CardLink {
  return { title: `Open ${shortUrl(ctx.policy.registration.url)}`, url: ctx.policy.registration.url };
}

function tip(text: string | undefined, style: CardTip['style'] = 'emphasis'): CardTip[] {
  return text ? [{ text, style }] : [];
}

interface StepContent {
  heading: string;
  intro?: string;
  steps: string[];
  tips: CardTip[];
  links?: CardLink[];
  primary: CardButton[];
}

function stepCard(step: StepId, content: StepContent, navOptions?: { back?: boolean }): AdaptiveCardJson {
  const steps = content.steps.map((text, i) => ({ n: i + 1, text }));
  const fallbackText = [content.heading, content.intro, ...content.steps.map((s, i) => `${i + 1}. ${s}`)]
    .filter(Boolean)
    .join('\n');
  return renderGuideStepCard({
    progress: progressLine(step),
    heading: content.heading,
    intro: content.intro,
    steps,
    tips: content.tips,
    links: content.links ?? [],
    actions: [...content.primary, ...navButtons(step, navOptions)],
    fallbackText,
  });
}

interface ChoiceContent {
  heading: string;
  intro: string;
  options: Partial<Record<Choice, { title: string; description: string; button: string }>>;
  tips: CardTip[];
}

function choiceCard(
  step: StepId,
  progress: GuideProgress,
  ctx: ViewContext,
  content: ChoiceContent,
): AdaptiveCardJson {
  const offered = choicesAt(step, progress, ctx.methods);
  const choices = offered.flatMap((choice) => {
    const option = content.options[choice];
    return option ? [{ ...option, data: { verb: Verb.GuideChoose, from: step, choice } as const }] : [];
  });
  return renderChoiceCard({
    progress: progressLine(step),
    heading: content.heading,
    intro: content.intro,
    choices,
    tips: content.tips,
    actions: navButtons(step),
    fallbackText: [content.heading, content.intro, ...choices.map((c) => `- ${c.title}`)].join('\n'),
  });
}

const APP_OPTION = {
  title: '📱 Microsoft Authenticator app (best)',
  description:
    'A free app for your phone. Works for signing in and for resetting your password, even on Wi-Fi with no signal.',
  button: 'Use the app',
};

function phoneOption(ctx: ViewContext) {
  const until = ctx.methods.phoneEnds ? ` Only until ${dateText(ctx.methods.phoneEnds)}.` : '';
  return {
    title: '☎️ A text or a call',
    description: `A code by text (mobiles only) or a call (mobiles and landlines).${until}`,
    button: 'Use a phone',
  };
}

function appGetContent(step: StepId, second: boolean): StepContent {
  return {
    heading: 'Get the Microsoft Authenticator app',
    intro: second
      ? 'On the page, tap **I want to set up a different method** and choose **Authenticator app**. Then, on your phone:'
      : 'On your phone:',
    steps: [
      'Open the **App Store** (iPhone) or **Google Play** (Android).',
      'Search for **Microsoft Authenticator**. It is free. Look for the one made by Microsoft.',
      'Install it. If the app asks you to sign in, tap **Skip** for now.',
    ],
    tips: tip('Already have the app? Just tap Next.'),
    links: [APP_STORE, GOOGLE_PLAY],
    primary: [next(step, "I've got the app ▶")],
  };
}

function appScanContent(step: StepId): StepContent {
  return {
    heading: 'Scan the QR code',
    steps: [
      'In the Authenticator app, tap **+** (add account).',
      'Choose **Work or school account**, then **Scan a QR code**. Allow the camera if it asks.',
      'Point your phone at the square code on the screen. Your school account appears in the app.',
      'On the page, tap **Next**.',
    ],
    tips: tip(
      'Only using your phone? Under the QR code, tap **Pair your account to the app by clicking this link**.',
    ),
    primary: [next(step, 'Done ▶')],
  };
}

function appApproveContent(step: StepId): StepContent {
  return {
    heading: 'Approve the test',
    steps: [
      'The page sends a test to your phone and shows a **number**.',
      'On your phone, open the notification from Authenticator.',
      'Type the number from the screen into the app, then tap **Yes**.',
      'The page says **Notification approved**. Tap **Next**.',
    ],
    tips: tip(
      "Only approve a sign-in you started yourself. If your phone asks when you're not signing in, tap **No, it's not me**.",
      'attention',
    ),
    primary: [next(step, 'Approved ▶')],
  };
}

function phoneChooseCard(step: StepId, progress: GuideProgress, ctx: ViewContext, second: boolean) {
  return choiceCard(step, progress, ctx, {
    heading: 'Text or call?',
    intro:
      (second ? 'On the page, tap **I want to set up a different method** and choose **Phone**. ' : '') +
      "You'll type your phone number **on Microsoft's page**, not here. I never need it.",
    options: {
      text: {
        title: '💬 Text me a code',
        description: 'Mobiles only. The code may arrive by text, RCS or WhatsApp.',
        button: 'Text',
      },
      call: {
        title: '📞 Call me',
        description: 'Mobiles and landlines (a home phone works).',
        button: 'Call',
      },
    },
    tips: [
      ...tip("Using a landline? Choose **Call**: landlines can't get texts."),
      ...tip(phoneEndsWarning(ctx.methods), 'attention'),
    ],
  });
}

function phoneTextContent(step: StepId): StepContent {
  return {
    heading: 'Get a code by text',
    steps: [
      'On the page, choose **United Kingdom (+44)** and type your mobile number.',
      'Choose **Receive a code**, then tap **Next**.',
      'A 6-digit code arrives (by text, RCS or WhatsApp). Type it **on the page**, then tap **Next**.',
      'The page says your phone is registered. Tap **Next**.',
    ],
    tips: tip(NEVER_SHARE, 'attention'),
    primary: [next(step, 'Done ▶')],
  };
}

function phoneCallContent(step: StepId): StepContent {
  return {
    heading: 'Get a phone call',
    steps: [
      'On the page, choose **United Kingdom (+44)** and type the number (mobile or landline).',
      'Choose **Call me**, then tap **Next**.',
      'Answer the call. It asks you to press the "pound" key: on a UK phone that is **#** (hash).',
      'The page says your phone is registered. Tap **Next**.',
    ],
    tips: tip('The call only asks you to press **#**. It never asks you for anything else.'),
    primary: [next(step, 'Done ▶')],
  };
}

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

/** The last step when the two methods would not pass the school's check: what to add, and a way to add it. */
function nearlyDoneCard(
  step: StepId,
  progress: GuideProgress,
  ctx: ViewContext,
  blocking: Reason[],
): AdaptiveCardJson {
  const first = progress.first;
  return stepCard(step, {
    heading: 'Nearly done!',
    intro: "The page has your two methods. So that you're never locked out, there is a little more to do:",
    steps: blocking.map((reason) => reasonText(reason, ctx)),
    tips:
      first === 'phone'
        ? tip(
            "No smartphone? Tap **I'm stuck**: IT Support can give you another way to sign in.",
            'attention',
          )
        : [],
    primary: [
      // One fix button: with Back, I'm stuck and Start again, more would pass Teams' five actions.
      fixButton(blocking[0]!, { first }),
      next(step, 'Later: what happens now? ▶'),
    ],
  });
}

/** The welcome card (first install, or "hi" before starting). */
export function welcomeCard(ctx: ViewContext): AdaptiveCardJson {
  const { policy, today } = ctx;
  const passed = today >= policy.registration.enforcementDate;
  const heading = ctx.firstName ? `Hi ${ctx.firstName}! 👋` : 'Hi! 👋';
  const intro = `I'm here to help you protect your ${schoolName(policy)} account with a second check when you sign in. It takes about 10 minutes.`;
  return renderWelcomeCard({
    heading,
    intro,
    facts: [
      { title: passed ? 'Deadline was' : 'Deadline', value: deadlineText(policy, today) },
      { title: "You'll need", value: 'Your phone (and a computer, if you have one)' },
      { title: 'Takes', value: 'About 10 minutes' },
    ],
    why: passed
      ? "Signing in from outside school now needs a quick approval on your phone. Let's set it up so you're not locked out."
      : 'After the deadline, signing in from outside school (at home, on your phone) needs a quick approval. In school, or on a school laptop, nothing changes.',
    safety:
      '🔒 I will never ask for your password, the codes Microsoft sends you or your phone number. Nor will IT.',
    actions: [
      { title: "Let's start ▶", data: { verb: Verb.GuideStart } },
      { title: 'What is this?', data: { verb: Verb.Ask, intent: 'whatIsThis' } },
      { title: 'I need help', data: { verb: Verb.GuideStuck, from: 'welcome' } },
    ],
    fallbackText: `${heading} ${intro} Deadline: ${deadlineText(policy, today)}.`,
  });
}

/** The card for `step`, given where the user is and what the school accepts today. */
export function guideCard(step: StepId, progress: GuideProgress, ctx: ViewContext): AdaptiveCardJson {
  const { policy, methods } = ctx;
  switch (step) {
    case 'welcome':
      return welcomeCard(ctx);
    case 'chooseFirst':
      return choiceCard(step, progress, ctx, {
        heading: 'Choose your first method',
        intro: "Your first method is how you'll approve sign-ins. Pick one:",
        options: {
          app: APP_OPTION,
          phone: phoneOption(ctx),
          noSmartphone: {
            title: "🚫 I don't have a smartphone",
            description: "That's OK. I'll tell you what you can do.",
            button: "I don't have one",
          },
        },
        tips: tip(phoneEndsWarning(methods), 'attention'),
      });
    case 'noSmartphone': {
      const phoneNote = methods.phoneEnds
        ? `You can use a mobile that gets texts, or a landline (home phone) for calls, until ${dateText(methods.phoneEnds)}. After that, IT Support will set you up another way.`
        : undefined;
      return stepCard(step, {
        heading: 'No smartphone? You can still do this',
        intro: methods.phone
          ? phoneNote
          : 'Without a smartphone you need IT Support to set you up. They can give you a security key or a one-time pass. It only takes a few minutes.',
        steps: methods.phone
          ? []
          : [
              `Go to IT Support in room **${policy.support.room}** (${supportHoursText(policy)}).`,
              `Or email **${policy.support.mailbox}** to book a time.`,
            ],
        tips: tip('IT will never ask for your password or for the codes Microsoft sends you.'),
        primary: methods.phone
          ? [
              choose(step, 'phone', 'Use a text or call ▶'),
              { title: 'Get help from IT', data: { verb: Verb.GuideStuck, from: step } },
            ]
          : [{ title: 'Get help from IT', data: { verb: Verb.GuideStuck, from: step } }],
      });
    }
    case 'first.app.get':
      return stepCard(step, appGetContent(step, false));
    case 'first.app.open':
      return stepCard(step, {
        heading: 'Open the sign-up page',
        steps: [
          `On a computer, go to **${shortUrl(policy.registration.url)}**. No computer? Open it in your phone's web browser.`,
          'Sign in with your school email address and password.',
          "You'll see **Keep your account secure** (or **Security info**, then **Add sign-in method**). Choose **Microsoft Authenticator** and tap **Next** until you see a QR code.",
        ],
        tips: tip(
          "This is Microsoft's real page. Only ever type your password there, never in a chat.",
          'good',
        ),
        links: [pageLink(ctx)],
        primary: [next(step, 'I can see a QR code ▶')],
      });
    case 'first.app.scan':
    case 'second.app.scan':
      return stepCard(step, appScanContent(step));
    case 'first.app.approve':
    case 'second.app.approve':
      return stepCard(step, appApproveContent(step));
    case 'first.phone.switch':
      return stepCard(step, {
        heading: 'Pick Phone on the page',
        intro: 'The page suggests the app first. Here is how to pick a phone instead:',
        steps: [
          `Go to **${shortUrl(policy.registration.url)}** and sign in with your school account.`,
          'Tap **I want to set up a different method** (near the bottom).',
          'Choose **Phone**, then **Confirm**.',
        ],
        tips: tip(phoneEndsWarning(methods), 'attention'),
        links: [pageLink(ctx)],
        primary: [next(step, 'I picked Phone ▶')],
      });
    case 'first.phone.choose':
      return phoneChooseCard(step, progress, ctx, false);
    case 'second.phone.choose':
      return phoneChooseCard(step, progress, ctx, true);
    case 'first.phone.text':
    case 'second.phone.text':
      return stepCard(step, phoneTextContent(step));
    case 'first.phone.call':
    case 'second.phone.call':
      return stepCard(step, phoneCallContent(step));
    case 'chooseSecond':
      return choiceCard(step, progress, ctx, {
        heading: 'Now choose your second method',
        intro: "You need two, so you're never locked out. The page asks for the second one now.",
        options: {
          app: {
            ...APP_OPTION,
            description:
              'Works for signing in and for resetting your password, and keeps working after texts and calls stop.',
          },
          email: {
            title: '✉️ A personal email address',
            description: `For resetting your password. Not your school address (${schoolAddressText(policy)}).`,
            button: 'Use email',
          },
          phone: phoneOption(ctx),
          questions: {
            title: '❓ Security questions',
            description: methods.questionsEnd
              ? `They stop working for password reset on ${dateText(methods.questionsEnd)}. Choose email if you can.`
              : 'Questions only you know the answers to.',
            button: 'Use questions',
          },
        },
        tips: tip(
          'If the page offers something else, tap **I want to set up a different method** and pick the one you chose here.',
        ),
      });
    case 'second.app.get':
      return stepCard(step, appGetContent(step, true));
    case 'second.email':
      return stepCard(step, {
        heading: 'Add a personal email',
        steps: [
          'On the page, tap **I want to set up a different method** and choose **Email**.',
          `Type a personal email address you can open on your phone. **Not** your school address (${schoolAddressText(policy)}).`,
          'Open that email. Type the code **on the page** within 5 minutes, then tap **Next**.',
        ],
        tips: [
          ...tip(
            "Why not your school email? When you're locked out of your school account you can't read school email, so the code would never reach you.",
            'attention',
          ),
          ...tip("No email of your own? A parent's or carer's works. You can only add one."),
        ],
        primary: [next(step, 'Done ▶')],
      });
    case 'second.questions':
      return stepCard(step, {
        heading: 'Set up security questions',
        steps: [
          'On the page, tap **I want to set up a different method** and choose **Security questions**.',
          'Pick questions with answers you will always remember but nobody can guess.',
          'Type your answers **on the page**, then tap **Done**.',
        ],
        tips: [
          ...tip(
            methods.questionsEnd
              ? `Security questions stop working for password reset on ${dateText(methods.questionsEnd)}. Add an email address too when you can.`
              : undefined,
            'attention',
          ),
          ...tip('Never tell anyone your answers, me included.'),
        ],
        primary: [next(step, 'Done ▶')],
      });
    case 'finished': {
      // The page accepts any two methods; the school's check may not (texts and calls only, questions only).
      const blocking = evaluateRegistration(methodsChosen(progress), methods).reasons.filter(
        (r) => r.blocking,
      );
      if (blocking.length > 0) return nearlyDoneCard(step, progress, ctx, blocking);
      return stepCard(step, {
        heading: "🎉 That's it, you're done!",
        intro: 'The page shows that you are all set. Your account now has two ways to check it is you.',
        steps: [],
        tips: tip('You can now approve sign-ins and reset your own password.', 'good'),
        primary: [
          next(step, 'What happens now? ▶'),
          ...(choicesAt(step, progress, methods).includes('passkey')
            ? [choose(step, 'passkey', 'Add a passkey (optional)')]
            : []),
        ],
      });
    }
    case 'passkey':
      return stepCard(step, {
        heading: 'Extra: a passkey (optional)',
        intro:
          'A passkey lets you sign in without a code. It needs an iPhone on iOS 17 or newer, or Android 14 or newer.',
        steps: [
          `Go to **${shortUrl(policy.registration.url)}** and tap **Add sign-in method**.`,
          'Choose **Passkey in Microsoft Authenticator** and follow the steps on the page and in the app.',
        ],
        tips: tip('A passkey helps you sign in, but it cannot reset your password. Keep your other methods.'),
        links: [pageLink(ctx)],
        primary: [next(step, 'Done ▶')],
      });
    case 'afterwards':
      return stepCard(step, {
        heading: 'What happens from now on',
        steps: [
          '**Outside school** (at home, on your own phone or computer): when you sign in, approve it on your phone.',
          '**In school, or on a school laptop**: no extra step.',
          `Forgot your password? Go to **${shortUrl(policy.registration.resetUrl)}** and reset it yourself.`,
        ],
        tips: [
          ...tip(
            "Never approve a sign-in you didn't start. IT will never ask for your password or for the codes Microsoft sends you.",
            'attention',
          ),
          ...tip(
            'Getting a new phone? Set up the app on it **before** you wipe the old one. Type **new phone** here for help.',
          ),
        ],
        primary: [{ title: 'Check my status', data: { verb: Verb.Ask, intent: 'status' } }],
      });
  }
}
