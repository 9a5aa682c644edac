/**
 * The send budget's tickets in memory: for a process that shares its budget with nobody (a worker built on its
 * own in tests). The same rule as the shared tables.
 */
import {
  decideSend,
  type SendKind,
  type SendRule,
  type SendWindowState,
} from '../domain/sending/sendTickets';
import type { SendWindow, TakeResult, TakenTicket } from '../ports/sendWindow';

export class MemorySendWindow implements SendWindow {
  private readonly state: SendWindowState;

  constructor(readonly limit: number) {
    this.state = {
      tickets: Array.from({ length: limit }, () => ({})),
      pressure: { value: 0, at: 0 },
      pausedUntil: 0,
    };
  }

  take(kind: SendKind, holder: string, now: number, rule: SendRule): Promise<TakeResult> {
    const decision = decideSend(this.state, kind, now, rule);
    if (!('take' in decision)) return Promise.resolve(decision);
    this.state.tickets[decision.take] = { grantedAt: now, kind, holder };
    this.state.pressure = decision.pressure;
    return Promise.resolve({ ticket: { index: decision.take, grantedAt: now } });
  }

  answer(ticket: TakenTicket, now: number): Promise<void> {
    const held = this.state.tickets[ticket.index];
    if (held && held.grantedAt === ticket.grantedAt && held.answeredAt === undefined) held.answeredAt = now;
    return Promise.resolve();
  }

  pauseUntil(until: number): Promise<void> {
    this.state.pausedUntil = Math.max(this.state.pausedUntil, until);
    return Promise.resolve();
  }

  close(): void {}
}
