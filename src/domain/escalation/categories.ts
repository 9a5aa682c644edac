/**
 * What a user can tell the desk when they ask for help: what went wrong (categories from the cases IT
 * Support sees), how they want help, and when. Closed lists: nothing here is typed by the user.
 */

/**
 * What went wrong, urgent first, then in the order the help card offers them (the most common first).
 * Escalations waiting to be mailed go out urgent first, then oldest first.
 */
export const CATEGORIES = [
  'signInNotMe',
  'noSmartphone',
  'lostOrNewPhone',
  'noTextOrCall',
  'appWontScan',
  'lockedOut',
  'errorMessage',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Someone else may be signing in as the user: the desk should see these before anything else. */
export const URGENT_CATEGORIES: readonly Category[] = ['signInNotMe'];

export function isUrgent(category: Category): boolean {
  return URGENT_CATEGORIES.includes(category);
}

/** How the user wants help: walk in to IT Support, book a time, or a reply by email. */
export const HELP_WAYS = ['walkIn', 'book', 'emailBack'] as const;
export type HelpWay = (typeof HELP_WAYS)[number];

/** The part of a school day a booking asks for. */
export const PARTS_OF_DAY = ['morning', 'afternoon'] as const;
export type PartOfDay = (typeof PARTS_OF_DAY)[number];

/** The desk's words for each category: the subject line and the mail (short, no user input). */
export const CATEGORY_LABELS: Record<Category, string> = {
  signInNotMe: 'Sign-in request the user did not start (someone may have their password)',
  noSmartphone: 'No smartphone',
  lostOrNewPhone: 'Lost or new phone',
  noTextOrCall: 'Text or call not arriving',
  appWontScan: "Authenticator app won't scan",
  lockedOut: 'Locked out',
  errorMessage: 'Error message',
  other: 'Other problem',
};

export const HELP_WAY_LABELS: Record<HelpWay, string> = {
  walkIn: 'Will walk in to IT Support',
  book: 'Wants to book a time',
  emailBack: 'Wants a reply by email',
};

export const PART_OF_DAY_LABELS: Record<PartOfDay, string> = {
  morning: 'morning',
  afternoon: 'afternoon',
};
