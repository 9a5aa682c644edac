/**
 * The mail the service desk receives for one escalation. Pure: everything arrives in the input, so the
 * outbox can store the composed mail once and every retry sends exactly the same message.
 *
 * Safety: nothing a user typed reaches a header. The subject holds the reference and the category label
 * (closed lists); the reply-to address and the display name come from the directory and are still stripped of
 * line breaks and control characters; the user's words appear only in the body, HTML-escaped character by
 * character, inside an element that isolates their writing direction.
 *
 * Privacy: the words were screened when they were stored (freeText.ts); they are screened again here, so that
 * a request stored before the rule learnt something new still goes out without it.
 */
import type { LocalDate } from '../policy/localDate';
import { formatLongDate } from '../policy/localDate';
import { escapeHtml, escapeHtmlLines } from '../text/html';
import { REMOVED, screenText } from '../text/screening';
import {
  CATEGORY_LABELS,
  HELP_WAY_LABELS,
  isUrgent,
  PART_OF_DAY_LABELS,
  type Category,
  type HelpWay,
  type PartOfDay,
} from './categories';

/** Who asked, as the directory knows them (never typed by the user). */
export interface EscalationPerson {
  id: string;
  displayName: string;
  userPrincipalName: string;
  department?: string;
  jobTitle?: string;
  accountEnabled: boolean;
}

/** The registration snapshot as the desk reads it: lines already worded (see describeRegistration). */
export interface RegistrationSummary {
  /** "Microsoft's report, 3 hours old" / "live check". */
  source: string;
  mfaReady: boolean;
  ssprReady: boolean;
  complete: boolean;
  /** One line per method family ("Microsoft Authenticator app: set up"). */
  methods: string[];
  /** What is still wrong under the school's policy. */
  reasons: string[];
}

export interface EscalationMailInput {
  escalationId: string;
  reference: string;
  /** ISO time the user sent it. */
  createdAt: string;
  timeZone: string;
  schoolName: string;
  category: Category;
  way: HelpWay;
  booking?: { day: LocalDate; part: PartOfDay };
  /** The user's own words, already cleaned and cut (freeText.ts). */
  words?: { text: string; truncated: boolean; maxLength: number };
  /** The guide step they had reached, in words ("Scan the QR code"). */
  stepTitle: string;
  /** Undefined when the directory did not know them (the mail then says so and carries the id). */
  person?: EscalationPerson;
  userId: string;
  /** Undefined when Microsoft could not be asked in time. */
  registration?: RegistrationSummary;
  /** The language the user reads the bot in, when it is not the school's ("Polski (pl)"): the desk may reply in it. */
  language?: string;
  sender: string;
  recipient: string;
}

/** A mail ready for the Mailer port. */
export interface OutgoingMail {
  /** The mailbox it is sent from (and saved in). */
  sender: string;
  to: string;
  replyTo?: { address: string; name: string };
  subject: string;
  /** HTML body. */
  html: string;
  /** RFC 5322 Message-ID, the same on every attempt, so a duplicate can be recognised downstream. */
  internetMessageId: string;
  /** Custom `X-` headers (values from closed lists and ids only). */
  headers: { name: string; value: string }[];
  /** High for an urgent category, so the desk's mail client flags it and sorts it first. */
  importance?: 'high';
}

const SIMPLE_ADDRESS = /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/** One line, no controls, bounded: for anything that ends up in a header. */
export function headerSafe(text: string, max = 120): string {
  // Control characters are exactly what this removes.
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ').trim()].slice(0, max).join('');
}

function domainOf(address: string): string {
  return address.split('@')[1]?.toLowerCase() ?? 'localhost';
}

/** "Tuesday 1 December 2026, 10:42" in the school's zone. */
function receivedText(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));
}

function preferredHelp(input: EscalationMailInput): string {
  const way = HELP_WAY_LABELS[input.way];
  if (input.way !== 'book' || !input.booking) return way;
  return `${way}: ${formatLongDate(input.booking.day)}, ${PART_OF_DAY_LABELS[input.booking.part]}`;
}

function yesNo(ready: boolean): string {
  return ready ? 'ready' : 'NOT ready';
}

/** The short plain-text summary that opens the mail (and fills the preview line in the desk's inbox). */
export function plainSummary(input: EscalationMailInput): string {
  const who = input.person
    ? `${input.person.displayName} (${input.person.userPrincipalName})${input.person.department ? `, ${input.person.department}` : ''}`
    : `unknown user ${input.userId}`;
  const registration = input.registration
    ? `MFA ${yesNo(input.registration.mfaReady)}, SSPR ${yesNo(input.registration.ssprReady)}`
    : 'registration not checked';
  return [
    `${isUrgent(input.category) ? 'URGENT · ' : ''}${input.reference} · ${CATEGORY_LABELS[input.category]} · ${preferredHelp(input)}`,
    `${who}`,
    `Stuck at: ${input.stepTitle} · ${registration}`,
  ].join('\n');
}

function row(label: string, value: string): string {
  return `<tr><th align="left" valign="top" style="padding:2px 12px 2px 0">${escapeHtml(label)}</th><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`;
}

function list(items: string[]): string {
  return `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}

/** Composes the desk's mail. */
export function composeEscalationMail(input: EscalationMailInput): OutgoingMail {
  const category = CATEGORY_LABELS[input.category];
  const urgent = isUrgent(input.category);
  const person = input.person;
  const rows = [
    row('Reference', input.reference),
    row('Received', receivedText(input.createdAt, input.timeZone)),
    row('Name', person?.displayName ?? '(not found in the directory)'),
    row('Account', person?.userPrincipalName ?? input.userId),
    ...(person?.department ? [row('Year group / department', person.department)] : []),
    ...(person?.jobTitle ? [row('Job title', person.jobTitle)] : []),
    ...(person && !person.accountEnabled ? [row('Account state', 'DISABLED in Entra ID')] : []),
    ...(input.language ? [row('Their language', input.language)] : []),
    row('Problem', category),
    row('Stuck at (guide step)', input.stepTitle),
    row('Preferred help', preferredHelp(input)),
    row('Entra object id', input.userId),
  ].join('\n');
  const typed = input.words?.text ? screenText(input.words.text).text : '';
  const words = input.words?.text
    ? `<h3>In their own words</h3>
<div dir="auto" style="white-space:pre-wrap;unicode-bidi:isolate;border-left:3px solid #999;padding-left:8px">${escapeHtmlLines(typed)}</div>
${input.words.truncated ? `<p><em>(Shortened to the first ${input.words.maxLength} characters.)</em></p>` : ''}
${typed.includes(REMOVED) ? `<p><em>(${REMOVED} marks something the bot took out before keeping their words: a password, a code, a phone number, an email address or a security answer. The bot never keeps those.)</em></p>` : ''}`
    : '<h3>In their own words</h3>\n<p><em>(Nothing typed: the problem was chosen with buttons.)</em></p>';
  const registration = input.registration
    ? `<h3>Registration (${escapeHtml(input.registration.source)})</h3>
<p>Sign-in check (MFA): <b>${yesNo(input.registration.mfaReady)}</b> · Password reset (SSPR): <b>${yesNo(input.registration.ssprReady)}</b> · School policy: <b>${input.registration.complete ? 'met' : 'NOT met'}</b></p>
${list(input.registration.methods)}
${input.registration.reasons.length > 0 ? `<p>Still to fix:</p>\n${list(input.registration.reasons)}` : ''}`
    : '<h3>Registration</h3>\n<p><em>Microsoft could not be asked in time; check the user in the Entra admin centre.</em></p>';
  const html = `<div style="font-family:Segoe UI,Arial,sans-serif;font-size:14px">
<pre style="white-space:pre-wrap;font-family:Consolas,monospace">${escapeHtml(plainSummary(input))}</pre>
<h2>MFA / password reset help request ${escapeHtml(input.reference)}</h2>
<table>
${rows}
</table>
${words}
${registration}
<hr>
<p>Replying to this mail reaches ${escapeHtml(person?.displayName ?? 'the user')} at their school address. Before you reset anything, make sure you are talking to the account's owner: ask them to type <b>my support code</b> in their chat with the bot and show you the code, then message the bot <b>verify ${escapeHtml(input.reference)} &lt;code&gt;</b>.</p>
<p style="color:#666">Sent by the ${escapeHtml(input.schoolName)} MFA registration bot. It never keeps a password, a code, a phone number, an email address or a security answer that the user typed.</p>
</div>`;
  const replyAddress = person?.userPrincipalName;
  return {
    sender: input.sender,
    to: input.recipient,
    replyTo:
      replyAddress && SIMPLE_ADDRESS.test(replyAddress)
        ? { address: replyAddress, name: headerSafe(person.displayName) }
        : undefined,
    subject: headerSafe(`[${input.reference}] ${urgent ? 'URGENT ' : ''}MFA help: ${category}`, 200),
    ...(urgent ? { importance: 'high' as const } : {}),
    html,
    internetMessageId: `<${input.escalationId}.${input.reference.toLowerCase()}@${domainOf(input.sender)}>`,
    headers: [
      { name: 'X-MFA-Reference', value: input.reference },
      { name: 'X-MFA-Category', value: input.category },
      ...(urgent ? [{ name: 'X-MFA-Urgent', value: 'yes' }] : []),
    ],
  };
}
