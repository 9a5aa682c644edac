/**
 * The privacy notice and terms the Teams manifest links to, written for pupils and parents and filled
 * from the school policy (who runs it, what is kept and for how long, who to contact).
 */
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, paragraphs: string[]): string {
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}</style></head>
<body><h1>${escapeHtml(title)}</h1>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</body></html>`;
}

export function privacyPage(policy: SchoolPolicy): string {
  const school = policy.school.name;
  const r = policy.retention;
  return page(`MFA Buddy: privacy notice (${school})`, [
    `MFA Buddy is run by ${school}'s IT team to help everyone set up sign-in approval (MFA) and password reset for their school account.`,
    "It never asks for, and never keeps, your password, verification codes, phone numbers, personal email addresses or security answers. You only type those on Microsoft's own page. If you type one to it anyway, it takes it out before keeping or sending anything, and tells you.",
    'It keeps: your school account id, where you are in the guide, how to send you a message in Teams (not your name), and, if you ask IT for help, what kind of help and when. It reads from Microsoft 365 which sign-in methods you have set up (not their details).',
    `How long: your place in the guide ${r.days} days after you last used it; how to message you ${r.conversationReferenceDays} days; a request for help ${policy.escalation.retentionDays} days (the words you typed only until IT has them); the reminders sent to you ${r.nudgeDaysAfterEnforcement} days after the deadline; the secret behind your support code ${r.supportCodeSecretDays} days after it was last checked. When you leave the school, everything is deleted the next day.`,
    `Questions, to see what is kept about you, or to have it deleted: ${policy.support.mailbox} or IT Support, room ${policy.support.room}.`,
  ]);
}

export function termsPage(policy: SchoolPolicy): string {
  return page('MFA Buddy: terms of use', [
    `MFA Buddy is for students and staff of ${policy.school.name} and is covered by the school's IT acceptable use policy.`,
    'Use it to set up and check your sign-in security and to ask IT Support for help. Do not send it passwords or codes.',
  ]);
}
