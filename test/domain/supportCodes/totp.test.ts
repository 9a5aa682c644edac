import { expect } from 'chai';
import { generate } from 'otplib';
import { checkSupportCode, currentSupportCode, timeStepAt } from '../../../src/domain/supportCodes/totp';

const SECRET = new Uint8Array(20).map((_, i) => i * 13 + 7);
/** The start of a 30-second step (an exact multiple of 30 s). */
const STEP_START = 1_800_000_010 * 1000 - ((1_800_000_010 * 1000) % 30_000);
const step = timeStepAt(STEP_START);

/** The code of time step `n`. */
function codeAt(n: number): Promise<string> {
  return generate({ secret: SECRET, epoch: n * 30, period: 30 });
}

describe('Support codes (TOTP)', () => {
  it('shows a 6-digit code and the seconds it has left', async () => {
    expect(await currentSupportCode(SECRET, STEP_START)).to.deep.equal({
      code: await codeAt(step),
      secondsLeft: 30,
    });
    expect((await currentSupportCode(SECRET, STEP_START + 29_999)).secondsLeft).to.equal(1);
    expect((await currentSupportCode(SECRET, STEP_START)).code).to.match(/^\d{6}$/);
  });

  it('at the very start of a step: the previous step is accepted, the one before is not', async () => {
    expect(await checkSupportCode(SECRET, await codeAt(step), STEP_START)).to.deep.equal({
      valid: true,
      timeStep: step,
    });
    expect(await checkSupportCode(SECRET, await codeAt(step - 1), STEP_START)).to.deep.equal({
      valid: true,
      timeStep: step - 1,
    });
    expect(await checkSupportCode(SECRET, await codeAt(step - 2), STEP_START)).to.deep.equal({
      valid: false,
      reason: 'wrong',
    });
  });

  it('at the last second of a step: the next step is accepted, the one after is not', async () => {
    const lastSecond = STEP_START + 29_999;
    expect((await checkSupportCode(SECRET, await codeAt(step + 1), lastSecond)).valid).to.equal(true);
    expect((await checkSupportCode(SECRET, await codeAt(step + 2), lastSecond)).valid).to.equal(false);
    expect((await checkSupportCode(SECRET, await codeAt(step - 1), lastSecond)).valid).to.equal(true);
    expect((await checkSupportCode(SECRET, await codeAt(step - 2), lastSecond)).valid).to.equal(false);
  });

  it("refuses wrong codes, another secret's code, and anything that is not 6 digits", async () => {
    const right = await codeAt(step);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect(await checkSupportCode(SECRET, wrong, STEP_START)).to.deep.equal({
      valid: false,
      reason: 'wrong',
    });
    const other = new Uint8Array(20).fill(1);
    expect((await checkSupportCode(other, right, STEP_START)).valid).to.equal(false);
    for (const bad of ['12345', '1234567', 'abcdef', '', '12 34 5']) {
      expect(await checkSupportCode(SECRET, bad, STEP_START)).to.deep.equal({
        valid: false,
        reason: 'malformed',
      });
    }
    // Read out in two halves, as the card shows it.
    expect(
      (await checkSupportCode(SECRET, `${right.slice(0, 3)} ${right.slice(3)}`, STEP_START)).valid,
    ).to.equal(true);
  });

  it('refuses a replay: the same code again within its window, or an older step after a newer one was used', async () => {
    const now = STEP_START + 10_000;
    const code = await codeAt(step);
    const first = await checkSupportCode(SECRET, code, now);
    expect(first).to.deep.equal({ valid: true, timeStep: step });
    expect(await checkSupportCode(SECRET, code, now + 5_000, step)).to.deep.equal({
      valid: false,
      reason: 'replay',
    });
    expect(await checkSupportCode(SECRET, await codeAt(step - 1), now, step)).to.deep.equal({
      valid: false,
      reason: 'replay',
    });
    // The next step's code is still good.
    expect(await checkSupportCode(SECRET, await codeAt(step + 1), now + 30_000, step)).to.deep.equal({
      valid: true,
      timeStep: step + 1,
    });
  });
});
