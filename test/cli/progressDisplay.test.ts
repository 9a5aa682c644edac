/**
 * How often `npm run nudge` shows its progress in a pipe or a log file: a plain line every 5 s unless the pass
 * asks for another pace (`--progress-seconds`), on a fake clock.
 */
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import sinon from 'sinon';
import { plainProgress, type ProgressSource } from '../../src/cli/progressDisplay';

/** A pass part-way through: 10 planned, 4 sent. */
const source: ProgressSource = {
  look: () => Promise.resolve({ atMs: Date.now(), done: 4, sent: 4, queued: 6 }),
  state: () => 'sending',
};

describe('npm run nudge: the pace of the plain progress lines', () => {
  const sandbox = sinon.createSandbox();
  let clock: sinon.SinonFakeTimers;
  let stream: PassThrough;
  let written: string;

  beforeEach(() => {
    clock = sandbox.useFakeTimers({ now: 1_700_000_000_000 });
    stream = new PassThrough();
    written = '';
    stream.on('data', (c: Buffer) => (written += c.toString()));
  });
  afterEach(() => sandbox.restore());

  const lines = () => written.split('\n').filter((l) => l.startsWith('planned '));

  it('prints a line every 5 s by default, none before', async () => {
    const progress = plainProgress(stream);
    progress.start(source);
    await clock.tickAsync(4_999);
    expect(lines()).to.deep.equal([]);
    await clock.tickAsync(1);
    expect(lines()).to.have.length(1);
    expect(lines()[0]).to.match(/^planned 10 · sent 4 · left 6/);
    await clock.tickAsync(5_000);
    expect(lines()).to.have.length(2);
    await progress.stop('finished');
    expect(lines()).to.have.length(3);
  });

  it('keeps to the pace the pass asks for', async () => {
    const progress = plainProgress(stream);
    progress.start(source, 1_000);
    await clock.tickAsync(999);
    expect(lines()).to.deep.equal([]);
    await clock.tickAsync(2_001);
    expect(lines()).to.have.length(3);
    await progress.stop('finished');
  });
});
