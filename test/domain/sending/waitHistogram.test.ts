import { expect } from 'chai';
import { WaitHistogram } from '../../../src/domain/sending/waitHistogram';

describe('Wait histogram: counts in fixed buckets, quantiles read as bucket bounds', () => {
  it('reads nothing as 0', () => {
    const waits = new WaitHistogram();
    expect([waits.count, waits.max, waits.quantile(0.5), waits.quantile(0.99)]).to.deep.equal([0, 0, 0, 0]);
  });

  it('is exact where the waits sit on bounds, and never reads a quantile below the true one', () => {
    const waits = new WaitHistogram();
    // 98 waits of 0 ms, one of 3 ms, one of 40 ms.
    for (let i = 0; i < 98; i++) waits.record(0);
    waits.record(3);
    waits.record(40);
    expect(waits.count).to.equal(100);
    expect(waits.quantile(0.5)).to.equal(0);
    expect(waits.quantile(0.98)).to.equal(0);
    expect(waits.quantile(0.99)).to.equal(3);
    // 40 ms lies in the bucket up to 50: the longest recorded is the better bound.
    expect(waits.quantile(1)).to.equal(40);
    expect(waits.max).to.equal(40);
  });

  it('reads a wait in a bucket as its upper bound, and one past the last bound as the longest', () => {
    const waits = new WaitHistogram();
    waits.record(7);
    waits.record(130);
    expect(waits.quantile(0.5)).to.equal(10);
    // The least quantile is the first wait's bucket, not 0.
    expect(waits.quantile(0)).to.equal(10);
    waits.record(9000);
    waits.record(12_000);
    expect(waits.quantile(0.75)).to.equal(12_000);
    expect(waits.quantile(0.5)).to.equal(200);
  });
});
