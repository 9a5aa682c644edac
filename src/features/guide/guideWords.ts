/**
 * The words of the guide: for each step, what a pupil reads and what its buttons say, every word from the
 * user's catalogue (`guide.*`). No decisions about where a button leads or which exist (guideNavigation.ts).
 * Microsoft's page and button names are quoted as Microsoft's pages show them in the user's language (the
 * catalogue's `glossary`).
 */
import type { Choice, StepId } from '../../domain/guide/steps';
import type { CardLink, CardTip } from '../../cards/renderCards';
import type { Translator } from '../../i18n/translator';
import { neverAsk } from '../shared/removedWords';
import {
  neverShare,
  phoneAtItText,
  phoneEndsWarning,
  schoolAddressText,
  shortUrl,
  supportHoursText,
  type ViewContext,
} from '../shared/wording';

/**
 * Titles of the steps in English as a user would recognise them ("you were at: Scan the QR code"), for the
 * staff side (the desk's mail, the IT channel's copy) that is in the school's language; a pupil reads `stepTitle`. The catalogue
 * test holds these equal to the English catalogue's `guide.title.*`.
 */
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

/** A step's title in the user's language ("Scan the QR code", "Zeskanuj kod QR"). */
export function stepTitle(step: StepId, t: Translator): string {
  return t(`guide.title.${step}`);
}

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
export function navTitles(t: Translator): { back: string; stuck: string; restart: string } {
  return { back: t('guide.nav.back'), stuck: t('guide.nav.stuck'), restart: t('buttons.restart') };
}

/** The line above a step's heading: which of the two methods it belongs to. */
export function progressLine(step: StepId, t: Translator): string | undefined {
  if (step.startsWith('first.')) return t('guide.progress.first');
  if (step === 'chooseSecond' || step.startsWith('second.')) return t('guide.progress.second');
  return undefined;
}

function storeLinks(t: Translator): CardLink[] {
  return [
    {
      title: t('guide.link.appStore'),
      url: 'https://apps.apple.com/app/microsoft-authenticator/id983156458',
    },
    {
      title: t('guide.link.googlePlay'),
      url: 'https://play.google.com/store/apps/details?id=com.azure.authenticator',
    },
  ];
}

function pageLink(ctx: ViewContext): CardLink {
  const { url } = ctx.policy.registration;
  return { title: ctx.t('guide.link.open', { url: shortUrl(url) }), url };
}

function tip(text: string | undefined, style: CardTip['style'] = 'emphasis'): CardTip[] {
  return text ? [{ text, style }] : [];
}

/** An option of a choice card, from its `guide.option.<key>` messages. */
function option(t: Translator, key: string, description = t(`guide.option.${key}.description`)) {
  return { title: t(`guide.option.${key}.title`), description, button: t(`guide.option.${key}.button`) };
}

function phoneOption(ctx: ViewContext) {
  const { t, methods } = ctx;
  return option(
    t,
    'phone',
    methods.phoneEnds
      ? t('guide.option.phone.descriptionUntil', { date: t.shortDate(methods.phoneEnds) })
      : undefined,
  );
}

/** Where IT Support is, as a step. */
function goToIt(ctx: ViewContext): string {
  return ctx.t('guide.goToIt', { room: ctx.policy.support.room, hours: supportHoursText(ctx.policy, ctx.t) });
}

/** The "no smartphone" step: IT's lasting answer when the school has one, texts and calls only while they last. */
function noSmartphoneWords(ctx: ViewContext): StepWords {
  const { policy, methods, t } = ctx;
  const offers = [
    ...(methods.fromIt.hardwareToken ? [t('guide.noSmartphone.token')] : []),
    ...(methods.fromIt.securityKey ? [t('guide.noSmartphone.securityKey')] : []),
  ];
  const buttons = {
    choose: { phone: t('guide.noSmartphone.usePhone') },
    getHelp: t('guide.noSmartphone.getHelp'),
  };
  const heading = t('guide.noSmartphone.heading');
  const where = [goToIt(ctx), t('guide.noSmartphone.orEmail', { mailbox: policy.support.mailbox })];
  if (offers.length > 0) {
    return {
      heading,
      intro: t('guide.noSmartphone.introOffers'),
      steps: offers,
      tips: [
        { text: where.join(' '), style: 'emphasis' },
        ...tip(
          methods.phoneEnds
            ? t('guide.noSmartphone.phoneStops', { date: t.shortDate(methods.phoneEnds) })
            : undefined,
          'attention',
        ),
        ...tip(neverAsk(t)),
      ],
      buttons,
    };
  }
  return {
    heading,
    intro: methods.phone
      ? t('guide.noSmartphone.introPhone', {
          date: t.shortDate(methods.phoneEnds ?? policy.registration.enforcementDate),
        })
      : t('guide.noSmartphone.introNoPhone'),
    steps: methods.phone ? [] : where,
    tips: tip(neverAsk(t)),
    buttons,
  };
}

/** Setting up the app with only a phone: the page's link instead of the QR code. */
function appLinkWords(ctx: ViewContext, second: boolean): StepWords {
  const { t } = ctx;
  return {
    heading: t('guide.appLink.heading'),
    intro: t('guide.appLink.intro'),
    steps: [
      t('guide.appLink.browser', { url: shortUrl(ctx.policy.registration.url) }),
      t(second ? 'guide.appLink.chooseSecond' : 'guide.appLink.chooseFirst'),
      t('guide.appLink.pair'),
      t('guide.appLink.back'),
    ],
    tips: [...tip(t('guide.appLink.tipQr')), ...tip(t('guide.appLink.tipNumber'))],
    links: [pageLink(ctx)],
    buttons: { next: t('guide.nav.done') },
  };
}

/** The three cards of the lost-phone branch. */
function lostPhoneWords(step: 'lost.phone' | 'lost.visit' | 'lost.fix', ctx: ViewContext): StepWords {
  const { policy, t } = ctx;
  switch (step) {
    case 'lost.phone':
      return {
        heading: t('guide.lostPhone.heading'),
        intro: t('guide.lostPhone.intro'),
        steps: [t('guide.lostPhone.approveFirst'), t('guide.lostPhone.onlyWay'), t('guide.lostPhone.email')],
        tips: tip(t('guide.lostPhone.tip'), 'attention'),
        buttons: { next: t('guide.lostPhone.next'), choose: { otherWay: t('guide.lostPhone.otherWay') } },
      };
    case 'lost.visit':
      return {
        heading: t('guide.lostVisit.heading'),
        intro: t('guide.lostVisit.intro'),
        steps: [
          goToIt(ctx),
          t('guide.lostVisit.computer'),
          t('guide.lostVisit.code'),
          t('guide.lostVisit.pass', { minutes: policy.temporaryAccessPass.lifetimeMinutes }),
        ],
        tips: [
          ...tip(phoneAtItText(policy, 'newPhone', t)),
          ...tip(`${t('guide.lostVisit.tipCode')} ${neverAsk(t)}`, 'attention'),
        ],
        buttons: { supportCode: t('guide.nav.supportCode'), next: t('guide.lostVisit.next') },
      };
    case 'lost.fix':
      return {
        heading: t('guide.lostFix.heading'),
        steps: [
          t('guide.lostFix.app'),
          t('guide.lostFix.page', { url: shortUrl(policy.registration.url) }),
          t('guide.lostFix.delete'),
          t('guide.lostFix.add'),
        ],
        tips: [...tip(t('guide.lostFix.tip'))],
        links: [pageLink(ctx)],
        buttons: { checkStatus: t('buttons.checkStatus') },
      };
  }
}

/** Microsoft's own "add a passkey" screen, for people with texts or calls. */
function passkeyPromptWords(ctx: ViewContext): StepWords {
  const { passkeyPrompt } = ctx.policy.methods;
  const { methods, t } = ctx;
  return {
    heading: t('guide.passkeyPrompt.heading'),
    intro: t('guide.passkeyPrompt.intro', {
      when: methods.passkeyPrompt === 'notYet' ? 'notYet' : 'now',
      date: t.shortDate(passkeyPrompt.from),
    }),
    steps: [
      t('guide.passkeyPrompt.what'),
      t('guide.passkeyPrompt.where'),
      methods.passkeyPrompt === 'cannotSkip'
        ? t('guide.passkeyPrompt.cannotSkip')
        : t('guide.passkeyPrompt.skip', { date: t.shortDate(passkeyPrompt.cannotSkipFrom) }),
      t('guide.passkeyPrompt.noPhone'),
    ],
    tips: tip(neverAsk(t)),
    buttons: {
      choose: { passkey: t('guide.passkeyPrompt.how') },
      getHelp: t('guide.passkeyPrompt.getHelp'),
    },
  };
}

/** A sign-in the user did not start. */
function notMeWords(ctx: ViewContext): StepWords {
  const { t } = ctx;
  return {
    heading: t('guide.notMe.heading'),
    intro: t('guide.notMe.intro'),
    steps: [
      t('guide.notMe.tapNo'),
      t('guide.notMe.change', { url: shortUrl(ctx.policy.registration.resetUrl) }),
      t('guide.notMe.tell'),
    ],
    tips: [...tip(t('guide.notMe.tip'), 'good'), ...tip(neverAsk(t), 'attention')],
    buttons: { getHelp: t('guide.notMe.getHelp') },
  };
}

function appGetWords(second: boolean, ctx: ViewContext): StepWords {
  const { t } = ctx;
  return {
    heading: t('guide.appGet.heading'),
    intro: t(second ? 'guide.appGet.introSecond' : 'guide.appGet.introFirst'),
    steps: [t('guide.appGet.store'), t('guide.appGet.search'), t('guide.appGet.install')],
    tips: [
      ...tip(t('guide.appGet.tipHave')),
      ...tip(ctx.policy.support.phones.duringSchoolDay ? undefined : t('guide.appGet.tipHome'), 'attention'),
    ],
    links: storeLinks(t),
    buttons: { next: t('guide.appGet.next') },
  };
}

function appScanWords(t: Translator): StepWords {
  return {
    heading: t('guide.appScan.heading'),
    steps: [
      t('guide.appScan.add'),
      t('guide.appScan.choose'),
      t('guide.appScan.point'),
      t('guide.appScan.next'),
    ],
    tips: tip(t('guide.appScan.tip')),
    buttons: { next: t('guide.nav.done'), choose: { onePhone: t('guide.nav.onePhone') } },
  };
}

function appApproveWords(t: Translator): StepWords {
  return {
    heading: t('guide.appApprove.heading'),
    steps: [
      t('guide.appApprove.test'),
      t('guide.appApprove.alert'),
      t('guide.appApprove.type'),
      t('guide.appApprove.approved'),
    ],
    tips: tip(t('guide.appApprove.tip'), 'attention'),
    buttons: { next: t('guide.appApprove.next') },
  };
}

function phoneChooseWords(ctx: ViewContext, second: boolean): ChoiceWords {
  const { t } = ctx;
  return {
    heading: t('guide.phoneChoose.heading'),
    intro: t('guide.phoneChoose.intro', { second: second ? 'yes' : 'no' }),
    options: { text: option(t, 'text'), call: option(t, 'call') },
    tips: [...tip(t('guide.phoneChoose.tipLandline')), ...tip(phoneEndsWarning(ctx.methods, t), 'attention')],
  };
}

function phoneTextWords(t: Translator): StepWords {
  return {
    heading: t('guide.phoneText.heading'),
    steps: [
      t('guide.phoneText.number'),
      t('guide.phoneText.receive'),
      t('guide.phoneText.code'),
      t('guide.phoneText.registered'),
    ],
    tips: tip(neverShare(t), 'attention'),
    buttons: { next: t('guide.nav.done'), choose: { passkeyPrompt: t('guide.nav.passkeyPrompt') } },
  };
}

function phoneCallWords(t: Translator): StepWords {
  return {
    heading: t('guide.phoneCall.heading'),
    steps: [
      t('guide.phoneCall.number'),
      t('guide.phoneCall.callMe'),
      t('guide.phoneCall.answer'),
      t('guide.phoneText.registered'),
    ],
    tips: tip(t('guide.phoneCall.tip')),
    buttons: { next: t('guide.nav.done'), choose: { passkeyPrompt: t('guide.nav.passkeyPrompt') } },
  };
}

/** The words of a step where the user picks a method. */
export function choiceWords(step: StepId, ctx: ViewContext): ChoiceWords {
  const { policy, methods, t } = ctx;
  switch (step) {
    case 'first.phone.choose':
      return phoneChooseWords(ctx, false);
    case 'second.phone.choose':
      return phoneChooseWords(ctx, true);
    case 'chooseSecond':
      return {
        heading: t('guide.chooseSecond.heading'),
        intro: t('guide.chooseSecond.intro'),
        options: {
          app: option(t, 'app', t('guide.option.app.descriptionSecond')),
          email: option(
            t,
            'email',
            t('guide.option.email.description', { schoolAddress: schoolAddressText(policy, t) }),
          ),
          phone: phoneOption(ctx),
          questions: option(
            t,
            'questions',
            methods.questionsEnd
              ? t('guide.option.questions.descriptionUntil', { date: t.shortDate(methods.questionsEnd) })
              : undefined,
          ),
        },
        tips: tip(t('guide.chooseSecond.tip')),
      };
    default:
      return {
        heading: t('guide.chooseFirst.heading'),
        intro: t('guide.chooseFirst.intro'),
        options: { app: option(t, 'app'), phone: phoneOption(ctx), noSmartphone: option(t, 'noSmartphone') },
        tips: tip(phoneEndsWarning(methods, t), 'attention'),
      };
  }
}

/** The words of a step that tells the user what to do. */
export function stepWords(step: StepId, ctx: ViewContext): StepWords {
  const { policy, methods, t } = ctx;
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
        heading: t('guide.appOpen.heading'),
        steps: [
          t('guide.appOpen.go', { url: shortUrl(policy.registration.url) }),
          t('guide.appOpen.signIn'),
          t('guide.appOpen.choose'),
        ],
        tips: tip(t('guide.appOpen.tip'), 'good'),
        links: [pageLink(ctx)],
        buttons: { next: t('guide.appOpen.next'), choose: { onePhone: t('guide.nav.onePhone') } },
      };
    case 'first.app.scan':
    case 'second.app.scan':
      return appScanWords(t);
    case 'first.app.approve':
    case 'second.app.approve':
      return appApproveWords(t);
    case 'first.phone.switch':
      return {
        heading: t('guide.phoneSwitch.heading'),
        intro: t('guide.phoneSwitch.intro'),
        steps: [
          t('guide.phoneSwitch.go', { url: shortUrl(policy.registration.url) }),
          t('guide.phoneSwitch.different'),
          t('guide.phoneSwitch.choose'),
        ],
        tips: tip(phoneEndsWarning(methods, t), 'attention'),
        links: [pageLink(ctx)],
        buttons: { next: t('guide.phoneSwitch.next') },
      };
    case 'first.phone.text':
    case 'second.phone.text':
      return phoneTextWords(t);
    case 'first.phone.call':
    case 'second.phone.call':
      return phoneCallWords(t);
    case 'second.email':
      return {
        heading: t('guide.email.heading'),
        steps: [
          t('guide.email.choose'),
          t('guide.email.own', { schoolAddress: schoolAddressText(policy, t) }),
          t('guide.email.code'),
        ],
        tips: [...tip(t('guide.email.tipWhy'), 'attention'), ...tip(t('guide.email.tipParent'))],
        buttons: { next: t('guide.nav.done') },
      };
    case 'second.questions':
      return {
        heading: t('guide.questions.heading'),
        steps: [t('guide.questions.choose'), t('guide.questions.pick'), t('guide.questions.answers')],
        tips: [
          ...tip(
            methods.questionsEnd
              ? t('guide.questions.tipUntil', { date: t.shortDate(methods.questionsEnd) })
              : undefined,
            'attention',
          ),
          ...tip(t('guide.questions.tipKeep')),
        ],
        buttons: { next: t('guide.nav.done') },
      };
    case 'finished':
      return {
        heading: t('guide.finished.heading'),
        intro: t('guide.finished.intro'),
        steps: [],
        tips: tip(t('guide.finished.tip'), 'good'),
        buttons: { next: t('guide.finished.next'), choose: { passkey: t('guide.finished.passkey') } },
      };
    case 'passkey':
      return {
        heading: t('guide.passkey.heading'),
        intro: t('guide.passkey.intro'),
        steps: [t('guide.passkey.go', { url: shortUrl(policy.registration.url) }), t('guide.passkey.choose')],
        tips: tip(t('guide.passkey.tip')),
        links: [pageLink(ctx)],
        buttons: { next: t('guide.nav.done') },
      };
    case 'afterwards':
      return {
        heading: t('guide.afterwards.heading'),
        steps: [
          t('guide.afterwards.outside'),
          t('guide.afterwards.inSchool'),
          t('guide.afterwards.forgot', { url: shortUrl(policy.registration.resetUrl) }),
        ],
        tips: [
          ...tip(t('guide.afterwards.tipNever'), 'attention'),
          ...tip(t('guide.afterwards.tipNewPhone')),
        ],
        buttons: { checkStatus: t('buttons.checkStatus'), choose: { notMe: t('guide.afterwards.notMe') } },
      };
    default:
      return { heading: stepTitle(step, t), steps: [], tips: [], buttons: {} };
  }
}

/** The guide's last step when the two methods would not pass the school's check. */
export function nearlyDoneWords(reasons: string[], firstIsPhone: boolean, t: Translator): StepWords {
  return {
    heading: t('guide.nearlyDone.heading'),
    intro: t('guide.nearlyDone.intro'),
    steps: reasons,
    tips: firstIsPhone ? tip(t('guide.nearlyDone.tipPhone'), 'attention') : [],
    buttons: { next: t('guide.nearlyDone.next') },
  };
}
