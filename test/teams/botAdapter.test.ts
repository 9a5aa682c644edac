import { expect } from 'chai';
import type { TurnContext } from 'botbuilder';
import type { AppConfig } from '../../src/config/env';
import { createBotAdapter } from '../../src/teams/botAdapter';
import { captureLog } from '../support/logCapture';

describe('The bot adapter', () => {
  it('logs a failed turn without what the user typed, even when the error quotes it', async () => {
    const captured = captureLog();
    const config = { bot: { type: 'MultiTenant' } } as AppConfig;
    const adapter = createBotAdapter(config, captured.log);
    // An event turn: nobody to answer, so only the log is looked at.
    const context = { activity: { type: 'event' } } as unknown as TurnContext;
    await adapter.onTurnError(
      context,
      new SyntaxError('Unexpected token in "my password is Sunshine! call 07700 900123"'),
    );
    const [entry] = captured.find(/^turn failed$/);
    expect((entry?.err as { message?: string }).message).to.equal(
      'Unexpected token in "my password is [removed] call [removed]"',
    );
    expect(captured.lines.join('\n')).to.not.match(/Sunshine|900123/);
  });

  it("answers a failed message turn with the turn-failed text for the activity's language", async () => {
    const captured = captureLog();
    const config = { bot: { type: 'MultiTenant' } } as AppConfig;
    const adapter = createBotAdapter(config, captured.log, (locale) => `failed, in ${locale ?? 'none'}`);
    const sent: unknown[] = [];
    const turn = (locale?: string) =>
      ({
        activity: { type: 'message', locale },
        sendActivity: (activity: unknown) => Promise.resolve(void sent.push(activity)),
      }) as unknown as TurnContext;
    await adapter.onTurnError(turn('pl-PL'), new Error('storage down'));
    await adapter.onTurnError(turn(undefined), new Error('storage down'));
    expect(sent).to.deep.equal(['failed, in pl-PL', 'failed, in none']);
  });
});
