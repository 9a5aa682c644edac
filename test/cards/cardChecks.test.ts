import { expect } from 'chai';
import {
  actionProblems,
  declaredVersionProblems,
  fallbackTextProblems,
  imageProblems,
  inputProblems,
  layoutProblems,
  phoneWidthProblems,
  teamsVersionProblems,
  templateProblems,
  wrapProblems,
} from '../support/cardChecks';

/** A card that passes every check; each test breaks one thing. */
function goodCard(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    version: '1.2',
    fallbackText: 'Hello',
    body: [{ type: 'TextBlock', text: 'Hello **Sam**', wrap: true }],
    actions: [{ type: 'Action.Submit', title: "Let's start", data: { verb: 'guide.start' } }],
    ...overrides,
  };
}

const text = (t: string) => ({ type: 'TextBlock', text: t, wrap: true });

describe('Card checks (they must catch what they claim to)', () => {
  it('pass a good card', () => {
    const all = [
      teamsVersionProblems,
      declaredVersionProblems,
      wrapProblems,
      phoneWidthProblems,
      imageProblems,
      inputProblems,
      actionProblems,
      fallbackTextProblems,
      templateProblems,
      layoutProblems,
    ];
    expect(all.flatMap((check) => check(goodCard()))).to.deep.equal([]);
  });

  it('report SDK validation events: unknown elements, bad values, inputs without ids', () => {
    const card = goodCard({
      body: [
        { type: 'Carousel' },
        { type: 'TextBlock', text: 'x', size: 'huge', wrap: true },
        { type: 'Input.Text', label: 'Name' },
      ],
    });
    const problems = teamsVersionProblems(card).join('\n');
    expect(problems).to.match(/UnknownElementType/);
    expect(problems).to.match(/InvalidPropertyValue/);
    expect(problems).to.match(/unique Id/);
  });

  it('accept a Teams chart only with a fallback element, and check the fallback as the SDK renders it', () => {
    const chart = (extra: Record<string, unknown>) =>
      goodCard({
        body: [{ type: 'Chart.HorizontalBar.Stacked', title: 'People', data: [], ...extra }],
      });
    expect(teamsVersionProblems(chart({ fallback: text('The table') }))).to.deep.equal([]);
    expect(declaredVersionProblems(chart({ fallback: text('The table') }))).to.deep.equal([]);
    expect(teamsVersionProblems(chart({})).join()).to.match(/has no fallback element/);
    expect(teamsVersionProblems(chart({ fallback: 'drop' })).join()).to.match(/has no fallback element/);
    // The fallback is parsed in the chart's place: its faults are reported.
    expect(
      teamsVersionProblems(
        chart({ fallback: { type: 'TextBlock', text: 'x', size: 'huge', wrap: true } }),
      ).join(),
    ).to.match(/InvalidPropertyValue/);
    // Any other unknown element is still reported, fallback or not.
    expect(
      teamsVersionProblems(goodCard({ body: [{ type: 'Carousel', fallback: text('x') }] })).join(),
    ).to.match(/UnknownElementType/);
  });

  it('hold a card to its declared version and to what Teams mobile renders', () => {
    const heading = goodCard({ body: [{ type: 'TextBlock', text: 'Hi', wrap: true, style: 'heading' }] });
    expect(teamsVersionProblems(heading)).to.deep.equal([]);
    expect(declaredVersionProblems(heading).join()).to.match(/supported in version 1.5/);
    expect(declaredVersionProblems(goodCard({ version: '1.5' })).join()).to.match(/newer than Teams mobile/);
    expect(declaredVersionProblems(goodCard({ version: undefined })).join()).to.match(/no valid "version"/);
  });

  it('find a TextBlock that does not wrap', () => {
    const card = goodCard({ body: [{ type: 'TextBlock', text: '1.', wrap: false }] });
    expect(wrapProblems(card)).to.have.length(1);
  });

  it('find words and button titles too wide for a phone, but not markdown that is not shown', () => {
    const address = 'ITServiceDesk@kenstimpson.org.uk';
    expect(phoneWidthProblems(goodCard({ body: [text(`Email **${address}**`)] }))).to.deep.equal([]);
    expect(
      phoneWidthProblems(
        goodCard({
          body: [text('[the page](https://aka.ms/a-very-long-link-that-is-not-shown-to-anyone))')],
        }),
      ),
    ).to.deep.equal([]);
    expect(phoneWidthProblems(goodCard({ body: [text('x'.repeat(40))] }))).to.have.length(1);
    expect(
      phoneWidthProblems(
        goodCard({ body: [{ type: 'FactSet', facts: [{ title: 'Or email', value: address }] }] }),
      ),
    ).to.have.length(1);
    const longButton = {
      type: 'Action.Submit',
      title: 'Press this button to carry on now',
      data: { verb: 'guide.start' },
    };
    expect(phoneWidthProblems(goodCard({ actions: [longButton] }))).to.have.length(1);
  });

  it('find images without alt text or with SVG or non-HTTPS addresses', () => {
    const image = (props: Record<string, unknown>) => goodCard({ body: [{ type: 'Image', ...props }] });
    expect(imageProblems(image({ url: 'https://example.org/qr.png', altText: 'A QR code' }))).to.deep.equal(
      [],
    );
    expect(imageProblems(image({ url: 'https://example.org/qr.png' }))).to.have.length(1);
    expect(imageProblems(image({ url: 'http://example.org/qr.svg', altText: 'A QR code' }))).to.have.length(
      1,
    );
  });

  it('find inputs without a label', () => {
    const card = goodCard({ body: [{ type: 'Input.Text', id: 'what', placeholder: 'What went wrong?' }] });
    expect(inputProblems(card)).to.have.length(1);
  });

  it('find buttons without a known verb, with a payload the bot rejects, or too many of them', () => {
    const submit = (data: unknown) => goodCard({ actions: [{ type: 'Action.Submit', title: 'Go', data }] });
    expect(actionProblems(submit({ verb: 'guide.nope' })).join()).to.match(/no verb the bot knows/);
    expect(actionProblems(submit({ verb: 'guide.next', from: 'nowhere' })).join()).to.match(
      /rejects its payload/,
    );
    expect(actionProblems(submit(undefined))).to.have.length(1);
    const seven = Array.from({ length: 7 }, () => ({
      type: 'Action.Submit',
      title: 'Go',
      data: { verb: 'guide.start' },
    }));
    expect(actionProblems(goodCard({ actions: seven })).join()).to.match(/7 actions/);
    expect(
      actionProblems(goodCard({ actions: [{ type: 'Action.OpenUrl', title: 'Open', url: 'http://x.org' }] })),
    ).to.have.length(1);
  });

  it('accept an Action.Execute only with its verb understood and an Action.Submit fallback', () => {
    const execute = { type: 'Action.Execute', title: 'Next', verb: 'guide.next', data: { from: 'welcome' } };
    expect(actionProblems(goodCard({ actions: [execute] })).join()).to.match(/no Action.Submit fallback/);
    const fallback = { type: 'Action.Submit', title: 'Next', data: { verb: 'guide.next', from: 'welcome' } };
    expect(actionProblems(goodCard({ actions: [{ ...execute, fallback }] }))).to.deep.equal([]);
  });

  it('find a missing fallbackText, template leftovers, an empty body and too many columns', () => {
    expect(fallbackTextProblems(goodCard({ fallbackText: ' ' }))).to.have.length(1);
    expect(templateProblems(goodCard({ body: [text('Hi ${name}')] }))).to.have.length(1);
    expect(layoutProblems(goodCard({ body: [] }))).to.deep.equal(['empty body']);
    const columns = Array.from({ length: 4 }, () => ({ type: 'Column', items: [text('x')] }));
    expect(layoutProblems(goodCard({ body: [{ type: 'ColumnSet', columns }] }))).to.have.length(1);
  });
});
