import { expect } from 'chai';
import { captureLog } from '../support/logCapture';

describe('the logger', () => {
  it("keeps an error's name, which says what failed", () => {
    const { log, lines } = captureLog();
    log.warn({ err: { name: 'GraphRequestError', message: 'Graph GET /users/{id} failed' } }, 'x');
    expect(JSON.parse(lines[0]!)).to.nested.include({ 'err.name': 'GraphRequestError' });
  });

  it('censors the names people carry in Bot Framework objects, and secrets', () => {
    const { log, lines } = captureLog();
    log.info(
      {
        user: { id: 'u1', name: 'Jo Bloggs' },
        from: { id: 'u1', name: 'Jo Bloggs' },
        activity: { from: { name: 'Jo Bloggs' } },
        displayName: 'Jo Bloggs',
        headers: { authorization: 'Bearer abc' },
        text: 'my words',
      },
      'x',
    );
    expect(lines).to.have.length(1);
    const { time, ...rest } = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(time).to.be.a('string');
    // Every name, the credential and the typed words replaced; the ids kept.
    expect(rest).to.deep.equal({
      level: 30,
      app: 'mfa-buddy',
      user: { id: 'u1', name: '[redacted]' },
      from: { id: 'u1', name: '[redacted]' },
      activity: { from: { name: '[redacted]' } },
      displayName: '[redacted]',
      headers: { authorization: '[redacted]' },
      text: '[redacted]',
      msg: 'x',
    });
  });
});
