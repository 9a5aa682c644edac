/** A Messenger that keeps what it was asked to send, for conversation tests (the real one is tested end to end). */
import type { AdaptiveCardJson } from '../../src/cards/cardTemplates';
import type { Messenger, SendOutcome } from '../../src/ports/messenger';
import { viewCard, type CardView } from './cards';

export class RecordingMessenger implements Messenger {
  readonly sent: { userId: string; cards: CardView[] }[] = [];
  /** What the next sends answer (default: sent). */
  outcomes: SendOutcome[] = [];

  sendToUser(userId: string, cards: AdaptiveCardJson[]): Promise<SendOutcome> {
    const outcome = this.outcomes.shift() ?? {
      kind: 'sent',
      activityIds: [`proactive-${this.sent.length + 1}`],
    };
    if (outcome.kind === 'sent') this.sent.push({ userId, cards: cards.map((c) => viewCard(c)) });
    return Promise.resolve(outcome);
  }

  sendToChat(userId: string, _chatId: string, cards: AdaptiveCardJson[]): Promise<SendOutcome> {
    return this.sendToUser(userId, cards);
  }

  /** Cards that replaced earlier ones, in order. */
  readonly updated: { userId: string; activityId: string; card: CardView }[] = [];

  updateCard(userId: string, activityId: string, card: AdaptiveCardJson): Promise<SendOutcome> {
    const outcome = this.outcomes.shift() ?? { kind: 'sent', activityIds: [activityId] };
    if (outcome.kind === 'sent') this.updated.push({ userId, activityId, card: viewCard(card) });
    return Promise.resolve(outcome);
  }

  /** The cards sent to `userId`, in order. */
  to(userId: string): CardView[] {
    return this.sent.filter((s) => s.userId === userId).flatMap((s) => s.cards);
  }
}
