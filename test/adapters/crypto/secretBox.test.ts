import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { DEMO_KEY_FILE, supportCodeKey } from '../../../src/adapters/crypto/secretBox';

describe('the demo support-code key in DATA_DIR', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-buddy-key-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is generated once, readable by the owner only, and reused on the next start', () => {
    const first = supportCodeKey(undefined, dir);
    expect(first.source).to.equal('generated');
    const file = path.join(dir, DEMO_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    const again = supportCodeKey(undefined, dir);
    expect(again).to.deep.equal({ key: first.key, source: 'file' });
    // No temporary file is left behind.
    expect(fs.readdirSync(dir)).to.deep.equal([DEMO_KEY_FILE]);
  });

  it('stops with a clear message, and leaves the file alone, when the file holds no key', () => {
    const file = path.join(dir, DEMO_KEY_FILE);
    fs.writeFileSync(file, '');
    expect(() => supportCodeKey(undefined, dir)).to.throw(/holds no support-code key .*set SUPPORT_CODE_KEY/);
    expect(fs.readFileSync(file, 'utf8')).to.equal('');
  });

  it('prefers SUPPORT_CODE_KEY and writes nothing', () => {
    const key = Buffer.alloc(32, 7);
    expect(supportCodeKey(key, dir)).to.deep.equal({ key, source: 'environment' });
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });
});
