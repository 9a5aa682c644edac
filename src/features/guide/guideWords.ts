/**
 * The words of the guide: for each step, what a pupil reads and what its buttons say. No decisions about
 * where a button leads or which exist (guideNavigation.ts): the same words could come from a catalogue.
 */
import type { Choice, StepId } from '../../domain/guide/steps';
import type { CardLink, CardTip } from '../../cards/renderCards';
import { NEVER_ASK } from '../shared/removedWords';
import {
  dateText,
  NEVER_SHARE,
  phoneAtItText,
  phoneEndsWarning,
  schoolAddressText,
  shortUrl,
  supportHoursText,
  type ViewContext,
} from '../shared/wording';

/** Titles of the steps as a user would recognise them ("you were at: Scan the QR code"). */
export const STEP_TITLES: Record<StepId, string> = {
  welcome: 'Welcome',
  chooseFirst: 'Choose your first method',
  noSmartphone: 'No smartphone',
  'first.app.get': 'Get the Authenticator app',
  'first.app.open': 'Open the sign-up page',
  'first.app.scan': 'Scan the QR code',
  'first.app.link': 'Set up the app on one phone',
  'first.app.approve': 'Approve the test',
  'first.phone.switch': 'Pick Phone on the page',
  'first.phone.choose': 'Text or call',
  'first.phone.text': 'Get a code by text',
  'first.phone.call': 'Get a phone call',
  chooseSecond: 'Choose your second method',
  'second.app.get': 'Get the Authenticator app (second method)',
  'second.app.scan': 'Scan the QR code (second method)',
  'second.app.link': 'Set up the app on one phone (second method)',
  'second.app.approve': 'Approve the test (second method)',
  'second.phone.choose': 'Text or call (second method)',
  'second.phone.text': 'Get a code by text (second method)',
  'second.phone.call': 'Get a phone call (second method)',
  'second.email': 'Add a personal email',
  'second.questions': 'Set up security questions',
  finished: 'Finished',
  passkey: 'Add a passkey',
  afterwards: 'What happens now',
  'lost.phone': 'Lost phone',
  'lost.visit': 'Lost phone: get a pass from IT',
  'lost.fix': 'Lost phone: swap in the new one',
  passkeyPrompt: "Microsoft's passkey screen",
  notMe: "A sign-in I didn't start",
};

/** The titles of a step's own buttons (guideNavigation.ts decides which it has). */
export interface ActionTitles {
  next?: string;
  choose?: Partial<Record<Choice, string>>;
  getHelp?: string;
  checkStatus?: string;
  supportCode?: string;
}

/** The words of a step that tells the user what to do. */
export interface StepWords {
  heading: string;
  intro?: string;
  steps: string[];
  tips: CardTip[];
  links?: CardLink[];
  buttons: ActionTitles;
}

/** The words of a step where the user picks a method. */
export interface ChoiceWords {
  heading: string;
  intro: string;
  options: Partial<Record<Choice, { title: string; description: string; button: string }>>;
  tips: CardTip[];
}

/** The three buttons every step has. */
export const NAV_TITLES = { back: '◀ Back', stuck: "I'm stuck", restart: 'Start again' };

/** What a step's "Next" says when its words give no other title. */
export const NEXT_TITLE = 'Next ▶';

/** The line above a step's heading: which of the two methods it belongs to. */
export function progressLine(step: StepId): string | undefined {
  if (step.startsWith('first.')) return 'Method 1 of 2';
  if (step === 'chooseSecond' || step.startsWith('second.')) return 'Method 2 of 2';
  return undefined;
}

const APP_STORE: CardLink = {
  title: 'App Store (iPhone)',
  url: 'https://apps.apple.com/app/microsoft-authenticator/id983156458',
};
const GOOGLE_PLAY: CardLink = {
  title: 'Google Play (Android)',
  url: 'https://play.google.com/store/apps/details?id=com.azure.authenticator',
};

function pageLink(ctx: ViewContext): CardLink {
  return { title: `Open ${shortUrl(ctx.policy.registration.url)}`, url: ctx.policy.registration.url };
}

function tip(text: string | undefined, style: CardTip['style'] = 'emphasis'): CardTip[] {
  return text ? [{ text, style }] : [];
}

const APP_OPTION = {
  title: '📱 Microsoft Authenticator app (best)',
  description:
    'A free app for your phone. It works to sign in and to reset your password, even on Wi-Fi with no signal.',
  button: 'Use the app',
};

function phoneOption(ctx: ViewContext) {
  const until = ctx.methods.phoneEnds ? ` Only until ${dateText(ctx.methods.phoneEnds)}.` : '';
  return {
    title: '☎️ A text or a call',
    description: `A text with a code (mobiles only), or a call (any phone).${until}`,
    button: 'Use a phone',
  };
}

/** Where IT Support is, as a step. */
function goToIt(ctx: ViewContext): string {
  return `Go to IT Support in room **${ctx.policy.support.room}** (${supportHoursText(ctx.policy)}).`;
}

/** The "no smartphone" step: IT's lasting answer when the school has one, texts and calls only while they last. */
function noSmartphoneWords(ctx: ViewContext): StepWords {
  const { policy, methods } = ctx;
  const offers = [
    ...(methods.fromIt.hardwareToken
      ? [
          'A **token**: a small gadget for your key ring that shows a code. It works to sign in and to reset your password.',
        ]
      : []),
    ...(methods.fromIt.securityKey
      ? ['A **security key** that you plug in or tap. It works to sign in, but not to reset your password.']
      : []),
  ];
  const buttons = { choose: { phone: 'Use a text or call ▶' }, getHelp: 'Get help from IT' };
  const heading = 'No smartphone? You can still do this';
  const where = [goToIt(ctx), `Or email **${policy.support.mailbox}** to book a time.`];
  if (offers.length > 0) {
    return {
      heading,
      intro: 'IT can give you one of these. It only takes a few minutes:',
      steps: offers,
      tips: [
        { text: where.join(' '), style: 'emphasis' },
        ...tip(
          methods.phoneEnds
            ? `Texts and calls stop on ${dateText(methods.phoneEnds)}, so don't wait for them. Ask IT now.`
            : undefined,
          'attention',
        ),
        ...tip(NEVER_ASK),
      ],
      buttons,
    };
  }
  return {
    heading,
    intro: methods.phone
      ? `You can use a mobile that gets texts, or a home phone for calls, until ${dateText(methods.phoneEnds ?? policy.registration.enforcementDate)}. After that, IT will set you up another way.`
      : 'Without a smartphone, IT has to set you up. They can give you a one-time pass. It only takes a few minutes.',
    steps: methods.phone ? [] : where,
    tips: tip(NEVER_ASK),
    buttons,
  };
}

/** Setting up the app with only a phone: the page's link instead of the QR code. */
function appLinkWords(ctx: ViewContext, second: boolean): StepWords {
  return {
    heading: 'Only using your phone?',
    intro: 'You can do it all on one phone. Get the app first.',
    steps: [
      `Open your phone's web browser. Go to **${shortUrl(ctx.policy.registration.url)}** and sign in.`,
      second
        ? 'Tap **I want to set up a different method** and choose **Authenticator app**. Tap **Next** until you see a link.'
        : 'Choose **Microsoft Authenticator**. Tap **Next** until you see a link.',
      'Tap **Pair your account to the app by clicking this link**. The app opens and adds your account.',
      'Go back to the web page and tap **Next**.',
    ],
    tips: [
      ...tip('You do not need the QR code. It hides behind **Show QR code**.'),
      ...tip('Next, the page shows a number. Keep it in your head, then type it in the app.'),
    ],
    links: [pageLink(ctx)],
    buttons: { next: 'Done ▶' },
  };
}

/** The three cards of the lost-phone branch. */
function lostPhoneWords(step: 'lost.phone' | 'lost.visit' | 'lost.fix', ctx: ViewContext): StepWords {
  const { policy } = ctx;
  switch (step) {
    case 'lost.phone':
      return {
        heading: 'Lost your phone?',
        intro: "Don't worry. We can fix this.",
        steps: [
          'To change how you sign in, Microsoft asks you to approve it first. It asks in school too.',
          'Was the lost phone your only way to approve? Then IT has to let you in with a pass.',
          "An email lets you get a new password. It can't say yes to a sign-in.",
        ],
        tips: tip('If someone might have your phone, tell IT today.', 'attention'),
        buttons: { next: 'Get a pass from IT ▶', choose: { otherWay: 'I have another way in' } },
      };
    case 'lost.visit':
      return {
        heading: 'Get a pass from IT',
        intro: 'IT can give you a pass that lets you in one time, so you can add your new phone.',
        steps: [
          goToIt(ctx),
          'Sign in to a school computer. Open Teams and chat with me.',
          'Tap **Show my support code**, and show IT the code. This is how they know it is you.',
          `IT gives you a pass. It works one time, for ${policy.temporaryAccessPass.lifetimeMinutes} minutes.`,
        ],
        tips: [
          ...tip(phoneAtItText(policy, 'your new phone')),
          ...tip(`Your support code is the only code to show IT. ${NEVER_ASK}`, 'attention'),
        ],
        buttons: { supportCode: 'Show my support code', next: 'I have my pass ▶' },
      };
    case 'lost.fix':
      return {
        heading: 'Swap in your new phone',
        steps: [
          'Get the **Microsoft Authenticator** app on your new phone.',
          `Go to **${shortUrl(policy.registration.url)}**. Type your school email. If IT gave you a pass, type it where it asks.`,
          'Find the lost phone in the list and tap **Delete**.',
          'Tap **Add sign-in method** and choose **Microsoft Authenticator**. Then scan the QR code with your new phone.',
        ],
        tips: [
          ...tip('A passkey does not move to a new phone. If you had one, add it again on the new phone.'),
        ],
        links: [pageLink(ctx)],
        buttons: { checkStatus: 'Check my status' },
      };
  }
}

/** Microsoft's own "add a passkey" screen, for people with texts or calls. */
function passkeyPromptWords(ctx: ViewContext): StepWords {
  const { passkeyPrompt } = ctx.policy.methods;
  const { methods } = ctx;
  const when =
    methods.passkeyPrompt === 'notYet'
      ? `From ${dateText(passkeyPrompt.from)}, Microsoft will ask people who use texts or calls to add a passkey.`
      : 'Microsoft now asks people who use texts or calls to add a passkey.';
  return {
    heading: 'Asked to add a passkey?',
    intro: `${when} It is a real Microsoft screen.`,
    steps: [
      'A passkey lets you sign in with your face, your finger or your phone PIN. You need no code.',
      'It lives in the Authenticator app. It needs an iPhone on iOS 17 or newer, or Android 14 or newer.',
      methods.passkeyPrompt === 'cannotSkip'
        ? 'If texts or calls are all you have, you can no longer skip this screen.'
        : `You can skip it for now. From ${dateText(passkeyPrompt.cannotSkipFrom)}, you can't skip it if texts or calls are all you have.`,
      'No phone like that? Ask IT for another way to sign in.',
    ],
    tips: tip(NEVER_ASK),
    buttons: { choose: { passkey: 'How to add a passkey ▶' }, getHelp: 'Ask IT for another way' },
  };
}

/** A sign-in the user did not start. */
function notMeWords(ctx: ViewContext): StepWords {
  return {
    heading: "A sign-in you didn't start?",
    intro: 'Someone may know your password. Do these now:',
    steps: [
      "On your phone, tap **No, it's not me**. Never tap **Yes**, and never type the number.",
      `Change your password now at **${shortUrl(ctx.policy.registration.resetUrl)}**.`,
      'Tell IT. Tap the button below. They will see it first.',
    ],
    tips: [
      ...tip('It is not your fault. If your phone keeps asking, keep saying no.', 'good'),
      ...tip(NEVER_ASK, 'attention'),
    ],
    buttons: { getHelp: 'Tell IT now 🚨' },
  };
}

function appGetWords(second: boolean, ctx: ViewContext): StepWords {
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
    tips: [
      ...tip('Already have the app? Just tap Next.'),
      ...tip(
        ctx.policy.support.phones.duringSchoolDay
          ? undefined
          : "Phones aren't allowed in school in the day. So do this part at home.",
        'attention',
      ),
    ],
    links: [APP_STORE, GOOGLE_PLAY],
    buttons: { next: "I've got the app ▶" },
  };
}

const APP_SCAN_WORDS: StepWords = {
  heading: 'Scan the QR code',
  steps: [
    'In the Authenticator app, tap **+** (add account).',
    'Choose **Work or school account**, then **Scan a QR code**. Let the app use the camera if it asks.',
    'Point your phone at the square code on the screen. Your school account appears in the app.',
    'On the page, tap **Next**.',
  ],
  tips: tip('Only using your phone? Tap **I only have my phone** below.'),
  buttons: { next: 'Done ▶', choose: { onePhone: 'I only have my phone' } },
};

const APP_APPROVE_WORDS: StepWords = {
  heading: 'Approve the test',
  steps: [
    'The page sends a test to your phone and shows a **number**.',
    'On your phone, tap the Authenticator alert.',
    'Type the number from the screen into the app, then tap **Yes**.',
    'The page says **Notification approved**. Tap **Next**.',
  ],
  tips: tip(
    "Only say yes to a sign-in you started yourself. If your phone asks when you're not signing in, tap **No, it's not me**.",
    'attention',
  ),
  buttons: { next: 'Approved ▶' },
};

function phoneChooseWords(ctx: ViewContext, second: boolean): ChoiceWords {
  return {
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
        description: 'Any phone works, even a home phone.',
        button: 'Call',
      },
    },
    tips: [
      ...tip("Using a landline? Choose **Call**: landlines can't get texts."),
      ...tip(phoneEndsWarning(ctx.methods), 'attention'),
    ],
  };
}

const PHONE_TEXT_WORDS: StepWords = {
  heading: 'Get a code by text',
  steps: [
    'On the page, choose **United Kingdom (+44)** and type your mobile number.',
    'Choose **Receive a code**, then tap **Next**.',
    'A 6-digit code arrives (by text, RCS or WhatsApp). Type it **on the page**, then tap **Next**.',
    'The page says your phone is registered. Tap **Next**.',
  ],
  tips: tip(NEVER_SHARE, 'attention'),
  buttons: { next: 'Done ▶', choose: { passkeyPrompt: 'Asked to add a passkey?' } },
};

const PHONE_CALL_WORDS: StepWords = {
  heading: 'Get a phone call',
  steps: [
    'On the page, choose **United Kingdom (+44)** and type the number (mobile or landline).',
    'Choose **Call me**, then tap **Next**.',
    'Answer the call. It asks you to press the "pound" key: on a UK phone that is **#** (hash).',
    'The page says your phone is registered. Tap **Next**.',
  ],
  tips: tip('The call only asks you to press **#**. It never asks you for more.'),
  buttons: { next: 'Done ▶', choose: { passkeyPrompt: 'Asked to add a passkey?' } },
};

/** The words of a step where the user picks a method. */
export function choiceWords(step: StepId, ctx: ViewContext): ChoiceWords {
  const { policy, methods } = ctx;
  switch (step) {
    case 'first.phone.choose':
      return phoneChooseWords(ctx, false);
    case 'second.phone.choose':
      return phoneChooseWords(ctx, true);
    case 'chooseSecond':
      return {
        heading: 'Now choose your second method',
        intro: "You need two, so you're never locked out. The page asks for the second one now.",
        options: {
          app: {
            ...APP_OPTION,
            description:
              'It works to sign in and to reset your password. It keeps working when texts and calls stop.',
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
              ? `They stop working to reset your password on ${dateText(methods.questionsEnd)}. Choose email if you can.`
              : 'Questions only you know the answers to.',
            button: 'Use questions',
          },
        },
        tips: tip(
          'If the page offers something else, tap **I want to set up a different method** and pick the one you chose here.',
        ),
      };
    default:
      return {
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
      };
  }
}

/** The words of a step that tells the user what to do. */
export function stepWords(step: StepId, ctx: ViewContext): StepWords {
  const { policy, methods } = ctx;
  switch (step) {
    case 'noSmartphone':
      return noSmartphoneWords(ctx);
    case 'first.app.link':
      return appLinkWords(ctx, false);
    case 'second.app.link':
      return appLinkWords(ctx, true);
    case 'lost.phone':
    case 'lost.visit':
    case 'lost.fix':
      return lostPhoneWords(step, ctx);
    case 'passkeyPrompt':
      return passkeyPromptWords(ctx);
    case 'notMe':
      return notMeWords(ctx);
    case 'first.app.get':
      return appGetWords(false, ctx);
    case 'second.app.get':
      return appGetWords(true, ctx);
    case 'first.app.open':
      return {
        heading: 'Open the sign-up page',
        steps: [
          `On a computer, go to **${shortUrl(policy.registration.url)}**. No computer? Open it in your phone's web browser.`,
          'Sign in with your school email address and password.',
          "You'll see **Keep your account secure** (or **Security info**, then **Add sign-in method**). Choose **Microsoft Authenticator** and tap **Next** until you see a QR code.",
        ],
        tips: tip("This is Microsoft's real page. Type your password only there, never in a chat.", 'good'),
        links: [pageLink(ctx)],
        buttons: { next: 'I can see a QR code ▶', choose: { onePhone: 'I only have my phone' } },
      };
    case 'first.app.scan':
    case 'second.app.scan':
      return APP_SCAN_WORDS;
    case 'first.app.approve':
    case 'second.app.approve':
      return APP_APPROVE_WORDS;
    case 'first.phone.switch':
      return {
        heading: 'Pick Phone on the page',
        intro: 'The page suggests the app first. Here is how to pick a phone instead:',
        steps: [
          `Go to **${shortUrl(policy.registration.url)}** and sign in with your school account.`,
          'Tap **I want to set up a different method** (near the bottom).',
          'Choose **Phone**, then **Confirm**.',
        ],
        tips: tip(phoneEndsWarning(methods), 'attention'),
        links: [pageLink(ctx)],
        buttons: { next: 'I picked Phone ▶' },
      };
    case 'first.phone.text':
    case 'second.phone.text':
      return PHONE_TEXT_WORDS;
    case 'first.phone.call':
    case 'second.phone.call':
      return PHONE_CALL_WORDS;
    case 'second.email':
      return {
        heading: 'Add a personal email',
        steps: [
          'On the page, tap **I want to set up a different method** and choose **Email**.',
          `Type an email of your own that you can read on your phone. **Not** your school address (${schoolAddressText(policy)}).`,
          'Open that email. Type the code **on the page** within 5 minutes, then tap **Next**.',
        ],
        tips: [
          ...tip(
            "Why not your school email? When you're locked out of your school account you can't read school email, so the code would never reach you.",
            'attention',
          ),
          ...tip("No email of your own? A parent's or carer's works. You can only add one."),
        ],
        buttons: { next: 'Done ▶' },
      };
    case 'second.questions':
      return {
        heading: 'Set up security questions',
        steps: [
          'On the page, tap **I want to set up a different method** and choose **Security questions**.',
          'Pick questions only you know the answers to.',
          'Type your answers **on the page**, then tap **Done**.',
        ],
        tips: [
          ...tip(
            methods.questionsEnd
              ? `Questions stop working to reset your password on ${dateText(methods.questionsEnd)}. Add an email address too when you can.`
              : undefined,
            'attention',
          ),
          ...tip('Keep your answers to yourself, even from me.'),
        ],
        buttons: { next: 'Done ▶' },
      };
    case 'finished':
      return {
        heading: "🎉 That's it, you're done!",
        intro: 'The page shows that you are all set. Your account now has two ways to check it is you.',
        steps: [],
        tips: tip('You can now say yes to sign-ins and reset your own password.', 'good'),
        buttons: { next: 'What happens now? ▶', choose: { passkey: 'Add a passkey (optional)' } },
      };
    case 'passkey':
      return {
        heading: 'Extra: a passkey (optional)',
        intro:
          'A passkey lets you sign in without a code. It needs an iPhone on iOS 17 or newer, or Android 14 or newer.',
        steps: [
          `Go to **${shortUrl(policy.registration.url)}** and tap **Add sign-in method**.`,
          'Choose **Passkey in Microsoft Authenticator** and follow the steps on the page and in the app.',
        ],
        tips: tip('A passkey helps you sign in, but it cannot reset your password. Keep your other methods.'),
        links: [pageLink(ctx)],
        buttons: { next: 'Done ▶' },
      };
    case 'afterwards':
      return {
        heading: 'What happens from now on',
        steps: [
          '**Outside school** (at home, on your own phone or computer): when you sign in, approve it on your phone.',
          '**In school, or on a school laptop**: no extra step.',
          `Forgot your password? Go to **${shortUrl(policy.registration.resetUrl)}** and reset it yourself.`,
        ],
        tips: [
          ...tip(
            "Never say yes to a sign-in you didn't start. IT will never ask for your password or for the codes Microsoft sends you.",
            'attention',
          ),
          ...tip(
            'Getting a new phone? Set up the app on it **before** you wipe the old one. Type **new phone** here for help.',
          ),
        ],
        buttons: { checkStatus: 'Check my status', choose: { notMe: "A sign-in I didn't start" } },
      };
    default:
      return { heading: STEP_TITLES[step], steps: [], tips: [], buttons: {} };
  }
}

/** The guide's last step when the two methods would not pass the school's check. */
export function nearlyDoneWords(reasons: string[], firstIsPhone: boolean): StepWords {
  return {
    heading: 'Nearly done!',
    intro: "The page has your two methods. So that you're never locked out, there is a little more to do:",
    steps: reasons,
    tips: firstIsPhone
      ? tip("No smartphone? Tap **I'm stuck**: IT Support can give you another way to sign in.", 'attention')
      : [],
    buttons: { next: 'Later: what happens now? ▶' },
  };
}
