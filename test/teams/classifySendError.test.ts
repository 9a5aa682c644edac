import { expect } from 'chai';
import { classifySendError } from '../../src/teams/botMessenger';

describe('a failed send: did the request perhaps reach Teams?', () => {
  it('a connection that never opened (refused, no such host) is a plain failure: nothing arrived, try again', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']) {
      const outcome = classifySendError(Object.assign(new Error(`connect ${code}`), { code }));
      expect(outcome, code).to.deep.equal({
        kind: 'failed',
        status: undefined,
        error: `${code}: connect ${code}`,
      });
    }
  });

  it('a connection dropped mid-request is unanswered: the message may have arrived', () => {
    for (const error of [
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      new Error('socket hang up'),
    ]) {
      expect(classifySendError(error)).to.include({ kind: 'failed', unanswered: true });
    }
  });

  it('an answer from Teams (a 502) is not unanswered, whatever the connection did', () => {
    const outcome = classifySendError(
      Object.assign(new Error('bad gateway'), { statusCode: 502, code: 'ECONNRESET' }),
    );
    expect(outcome).to.deep.equal({ kind: 'failed', status: 502, error: 'ECONNRESET: bad gateway' });
  });
});
