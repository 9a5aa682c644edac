/** Reading what a user sees from activities: the Adaptive Cards attached, their text and their buttons. */
import type { Activity } from 'botbuilder';
import { expect } from 'chai';

export interface CardView {
  card: Record<string, unknown>;
  /** Every TextBlock text and FactSet fact, in order. */
  texts: string[];
  /** Every Action.Submit / Action.Execute / Action.OpenUrl, in order (body ActionSets first). */
  buttons: { title: string; type: string; data?: Record<string, unknown>; url?: string }[];
  /** Every Input.ChoiceSet's choices, in order, with the input's id and whether it starts chosen. */
  choices: { input: string; title: string; value: string; chosen: boolean }[];
}

function walk(node: unknown, view: CardView): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, view);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const element = node as Record<string, unknown>;
  if (element.type === 'TextBlock' && typeof element.text === 'string') view.texts.push(element.text);
  if (element.type === 'Input.ChoiceSet' && Array.isArray(element.choices)) {
    for (const choice of element.choices as { title: string; value: string }[])
      view.choices.push({ input: String(element.id), ...choice, chosen: choice.value === element.value });
  }
  if (element.type === 'FactSet' && Array.isArray(element.facts)) {
    for (const fact of element.facts as { title: string; value: string }[])
      view.texts.push(`${fact.title}: ${fact.value}`);
  }
  if (
    typeof element.type === 'string' &&
    element.type.startsWith('Action.') &&
    typeof element.title === 'string'
  ) {
    view.buttons.push({
      title: element.title,
      type: element.type,
      data: element.data as Record<string, unknown> | undefined,
      url: element.url as string | undefined,
    });
    return;
  }
  // A Teams chart is drawn by Teams desktop and web only; every other client (and the SDK) shows its fallback.
  if (typeof element.type === 'string' && element.type.startsWith('Chart.'))
    return walk(element.fallback, view);
  for (const key of ['body', 'items', 'columns', 'actions']) walk(element[key], view);
}

/** The card view of one Adaptive Card JSON. */
export function viewCard(card: Record<string, unknown>): CardView {
  const view: CardView = { card, texts: [], buttons: [], choices: [] };
  walk(card.body, view);
  walk(card.actions, view);
  return view;
}

/** The Adaptive Cards attached to `activity`, as views. */
export function cardsOf(activity: Partial<Activity>): CardView[] {
  return (activity.attachments ?? [])
    .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
    .map((a) => viewCard(a.content as Record<string, unknown>));
}

/** The first text of a card: its heading (or the progress line above it). */
export function headingOf(view: CardView): string {
  const card = view.card as { body?: { type: string; text?: string; size?: string }[] };
  const heading = card.body?.find(
    (e) => e.type === 'TextBlock' && (e.size === 'large' || e.size === 'medium'),
  );
  return heading?.text ?? view.texts[0] ?? '';
}

/** The button titled `title` (exact, or a regex), or a failure naming the buttons there are. */
export function button(view: CardView, title: string | RegExp) {
  const found = view.buttons.find((b) =>
    typeof title === 'string' ? b.title === title : title.test(b.title),
  );
  if (!found)
    throw new Error(
      `no button ${String(title)}; buttons are: ${view.buttons.map((b) => b.title).join(' | ')}`,
    );
  return found;
}

/** The single card of a turn's replies (fails if there is not exactly one). */
export function onlyCard(replies: Partial<Activity>[]): CardView {
  const cards = replies.flatMap(cardsOf);
  expect(cards, `expected one card, got ${cards.map(headingOf).join(' / ')}`).to.have.length(1);
  return cards[0]!;
}

/**
 * The text blocks of a right-to-left card that set their own alignment, by path: under `rtl` a renderer reads
 * "right" as the line's end, which is the left, so the card's direction alone must place every text.
 */
export function alignedByHand(card: Record<string, unknown>): string[] {
  const found: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${path}[${i}]`));
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (element.type === 'TextBlock' && 'horizontalAlignment' in element) found.push(path);
    for (const [key, value] of Object.entries(element)) visit(value, `${path}.${key}`);
  };
  visit(card.body, '$.body');
  return found;
}
