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
    const line = lines[0]!;
    expect(line).to.not.contain('Jo Bloggs');
    expect(line).to.not.contain('Bearer abc');
    expect(line).to.not.contain('my words');
    expect(JSON.parse(line)).to.deep.include({ user: { id: 'u1', name: '[redacted]' } });
  });
});
