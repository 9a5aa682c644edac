import { expect } from 'chai';
import {
  applyGuideEvent,
  choicesAt,
  guideStepOf,
  NEW_PROGRESS,
  type GuideProgress,
} from '../../src/domain/guide/progress';
import { STEP_IDS, isFinishedStep, isStepId } from '../../src/domain/guide/steps';
import type { MethodAvailability } from '../../src/domain/policy/availability';

const ALL: MethodAvailability = {
  app: true,
  passkey: true,
  text: true,
  call: true,
  phone: true,
  phoneEnds: '2027-02-01',
  email: true,
  questions: true,
  questionsEnd: '2027-03-01',
  questionsDiscouraged: true,
  fromIt: { hardwareToken: true, securityKey: true },
  passkeyPrompt: 'skippable',
};
const NO_PHONE: MethodAvailability = { ...ALL, text: false, call: false, phone: false, phoneEnds: undefined };

function run(events: Parameters<typeof applyGuideEvent>[1][], methods = ALL): GuideProgress {
  let progress: GuideProgress = NEW_PROGRESS;
  for (const event of events) {
    const result = applyGuideEvent(progress, event, methods);
    if (!result.ok) throw new Error(`${JSON.stringify(event)} refused: ${result.reason}`);
    progress = result.progress;
  }
  return progress;
}

describe('guide progress (state machine)', () => {
  it('walks app → email to the end, recording both methods', () => {
    const p = run([
      { type: 'start' },
      { type: 'choose', from: 'chooseFirst', choice: 'app' },
      { type: 'next', from: 'first.app.get' },
      { type: 'next', from: 'first.app.open' },
      { type: 'next', from: 'first.app.scan' },
      { type: 'next', from: 'first.app.approve' },
      { type: 'choose', from: 'chooseSecond', choice: 'email' },
      { type: 'next', from: 'second.email' },
      { type: 'next', from: 'finished' },
    ]);
    expect(p).to.include({ step: 'afterwards', first: 'app', second: 'email' });
  });

  it('walks phone → text → app', () => {
    const p = run([
      { type: 'start' },
      { type: 'choose', from: 'chooseFirst', choice: 'phone' },
      { type: 'next', from: 'first.phone.switch' },
      { type: 'choose', from: 'first.phone.choose', choice: 'text' },
      { type: 'next', from: 'first.phone.text' },
      { type: 'choose', from: 'chooseSecond', choice: 'app' },
      { type: 'next', from: 'second.app.get' },
      { type: 'next', from: 'second.app.scan' },
      { type: 'next', from: 'second.app.approve' },
    ]);
    expect(p).to.include({ step: 'finished', first: 'phone', second: 'app' });
  });

  it('offers the second method the user does not have yet, and no discouraged one', () => {
    const afterApp = run([{ type: 'start' }, { type: 'choose', from: 'chooseFirst', choice: 'app' }]);
    expect(choicesAt('chooseSecond', afterApp, ALL)).to.deep.equal(['email', 'phone']);
    const afterPhone = run([{ type: 'start' }, { type: 'choose', from: 'chooseFirst', choice: 'phone' }]);
    expect(choicesAt('chooseSecond', afterPhone, ALL)).to.deep.equal(['app', 'email']);
    const welcomed = { ...ALL, questionsDiscouraged: false };
    expect(choicesAt('chooseSecond', afterPhone, welcomed)).to.deep.equal(['app', 'email', 'questions']);
  });

  it('no smartphone: texts and calls only when IT has neither a token nor a key to give', () => {
    const at: GuideProgress = { step: 'noSmartphone', history: ['welcome', 'chooseFirst'] };
    expect(choicesAt('noSmartphone', at, ALL)).to.deep.equal([]);
    const none = { ...ALL, fromIt: { hardwareToken: false, securityKey: false } };
    expect(choicesAt('noSmartphone', at, none)).to.deep.equal(['phone']);
    expect(
      choicesAt('noSmartphone', at, { ...ALL, fromIt: { hardwareToken: false, securityKey: true } }),
    ).to.deep.equal([]);
  });

  it("Microsoft's passkey screen is offered on the phone steps once Microsoft shows it", () => {
    const at: GuideProgress = { step: 'first.phone.text', history: ['welcome'], first: 'phone' };
    expect(choicesAt('first.phone.text', at, ALL)).to.deep.equal(['passkeyPrompt']);
    expect(choicesAt('first.phone.text', at, { ...ALL, passkeyPrompt: 'notYet' })).to.deep.equal([]);
  });

  it('lost phone: why, then the visit to IT, then the swap; or straight to the swap with another way in', () => {
    const lost = run([{ type: 'start' }, { type: 'goto', to: 'lost.phone' }]);
    const viaIt = run([
      { type: 'next', from: 'lost.phone' },
      { type: 'next', from: 'lost.visit' },
    ]);
    expect(lost.step).to.equal('lost.phone');
    expect(viaIt.step).to.equal('lost.fix');
    const other = run([{ type: 'choose', from: 'lost.phone', choice: 'otherWay' }]);
    expect(other.step).to.equal('lost.fix');
  });

  it('drops phone choices once texts and calls are retired', () => {
    expect(choicesAt('chooseFirst', NEW_PROGRESS, NO_PHONE)).to.deep.equal(['app', 'noSmartphone']);
    expect(choicesAt('noSmartphone', NEW_PROGRESS, NO_PHONE)).to.deep.equal([]);
    const result = applyGuideEvent(
      run([{ type: 'start' }]),
      { type: 'choose', from: 'chooseFirst', choice: 'phone' },
      NO_PHONE,
    );
    expect(result).to.deep.equal({ ok: false, reason: 'notOffered' });
  });

  it('only offers a passkey to someone using the app', () => {
    const appUser: GuideProgress = { step: 'finished', history: [], first: 'app', second: 'email' };
    const phoneUser: GuideProgress = { step: 'finished', history: [], first: 'phone', second: 'email' };
    expect(choicesAt('finished', appUser, ALL)).to.deep.equal(['passkey']);
    expect(choicesAt('finished', phoneUser, ALL)).to.deep.equal([]);
  });

  it("Microsoft's passkey screen part-way through leads back to the guide, never to its end with one method", () => {
    const p = run([
      { type: 'start' },
      { type: 'choose', from: 'chooseFirst', choice: 'phone' },
      { type: 'next', from: 'first.phone.switch' },
      { type: 'choose', from: 'first.phone.choose', choice: 'text' },
      { type: 'choose', from: 'first.phone.text', choice: 'passkeyPrompt' },
      { type: 'choose', from: 'passkeyPrompt', choice: 'passkey' },
      { type: 'next', from: 'passkey' },
    ]);
    expect(isFinishedStep(p.step), p.step).to.equal(false);
    expect(p.step).to.equal('first.phone.text');
    expect(p.history).to.deep.equal(['welcome', 'chooseFirst', 'first.phone.switch', 'first.phone.choose']);
    const on = applyGuideEvent(p, { type: 'next', from: 'first.phone.text' }, ALL);
    expect(on).to.deep.include({ ok: true });
    expect((on as { progress: GuideProgress }).progress.step).to.equal('chooseSecond');
  });

  it("the passkey step reached from the guide's end still finishes it", () => {
    const p = run([
      { type: 'goto', to: 'finished', first: 'app' },
      { type: 'choose', from: 'finished', choice: 'passkey' },
      { type: 'next', from: 'passkey' },
    ]);
    expect(p.step).to.equal('afterwards');
  });

  it('goes back through history and refuses to go back from the very start', () => {
    const p = run([
      { type: 'start' },
      { type: 'choose', from: 'chooseFirst', choice: 'app' },
      { type: 'next', from: 'first.app.get' },
      { type: 'back', from: 'first.app.open' },
    ]);
    expect(p.step).to.equal('first.app.get');
    expect(applyGuideEvent(NEW_PROGRESS, { type: 'back', from: 'welcome' }, ALL)).to.deep.equal({
      ok: false,
      reason: 'nothingToGoBackTo',
    });
  });

  it('re-anchors on an older card: history is cut back to that card', () => {
    const p = run([
      { type: 'start' },
      { type: 'choose', from: 'chooseFirst', choice: 'app' },
      { type: 'next', from: 'first.app.get' },
      { type: 'next', from: 'first.app.open' },
      { type: 'next', from: 'first.app.get' },
    ]);
    expect(p.step).to.equal('first.app.open');
    expect(p.history).to.deep.equal(['welcome', 'chooseFirst', 'first.app.get']);
  });

  it('restart clears the methods chosen and keeps one step of history', () => {
    const p = run([
      { type: 'start' },
      { type: 'choose', from: 'chooseFirst', choice: 'app' },
      { type: 'restart' },
    ]);
    expect(p).to.deep.equal({ step: 'chooseFirst', history: ['welcome'] });
  });

  it('stuck records the step without moving', () => {
    const p = run([{ type: 'start' }, { type: 'stuck', from: 'chooseFirst' }]);
    expect(p).to.include({ step: 'chooseFirst', stuckAt: 'chooseFirst' });
  });

  it('bounds history so endless clicking cannot grow a record', () => {
    let p = run([{ type: 'start' }, { type: 'choose', from: 'chooseFirst', choice: 'app' }]);
    for (let i = 0; i < 200; i++) {
      p = (applyGuideEvent(p, { type: 'next', from: 'first.app.get' }, ALL) as { progress: GuideProgress })
        .progress;
      p = (applyGuideEvent(p, { type: 'back', from: 'first.app.open' }, ALL) as { progress: GuideProgress })
        .progress;
      p = (applyGuideEvent(p, { type: 'next', from: 'first.app.get' }, ALL) as { progress: GuideProgress })
        .progress;
    }
    expect(p.history.length).to.be.at.most(40);
  });

  it('every step either has a way on or is a choice or the end', () => {
    for (const step of STEP_IDS) {
      const progress: GuideProgress = { step, history: ['welcome'], first: 'app' };
      const next = applyGuideEvent(progress, { type: 'next', from: step }, ALL);
      const choices = choicesAt(step, progress, ALL);
      const isEnd = step === 'afterwards' || step === 'lost.fix' || step === 'notMe';
      expect(next.ok || choices.length > 0 || isEnd || step === 'noSmartphone', step).to.equal(true);
    }
    expect(isStepId('first.app.get')).to.equal(true);
    expect(isStepId('first.app.nope')).to.equal(false);
    expect(isStepId(42)).to.equal(false);
  });

  it('how far through the guide: a side branch counts as the step it was entered from', () => {
    const at = (step: GuideProgress['step'], history: GuideProgress['step'][]) =>
      guideStepOf({ step, history });
    expect(at('afterwards', ['welcome', 'finished'])).to.equal('afterwards');
    expect(at('lost.phone', ['welcome', 'finished', 'afterwards'])).to.equal('afterwards');
    expect(at('lost.visit', ['welcome', 'first.app.scan', 'lost.phone'])).to.equal('first.app.scan');
    expect(at('notMe', ['welcome', 'passkeyPrompt'])).to.equal('welcome');
    expect(at('lost.phone', [])).to.equal('welcome');
  });
});
