/** Demo mode's mails in DATA_DIR/demo-mail: private to the bot's account, and deleted after their period. */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DemoMailer } from '../../../src/adapters/demo/demoMailer';
import type { OutgoingMail } from '../../../src/domain/escalation/escalationMail';
import { createLogger } from '../../../src/logging/logger';
import { tempDataDir } from '../../support/botProcess';

function mail(id: string): OutgoingMail {
  return {
    sender: 'desk@kscs.org.uk',
    to: 'desk@kscs.org.uk',
    subject: `MFA help ${id}`,
    html: '<p>Name: Sam Taylor</p>',
    internetMessageId: `<${id}@mfa-buddy>`,
    headers: [],
  };
}

describe('Demo mailer files', () => {
  let dataDir: string;
  let umask: number;
  beforeEach(() => {
    dataDir = tempDataDir('mfa-buddy-demo-mail-');
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes each mail 0600 in a 0700 folder (an existing looser folder is tightened)', async () => {
    fs.mkdirSync(path.join(dataDir, 'demo-mail'), { mode: 0o755 });
    const mailer = new DemoMailer(dataDir, createLogger('silent'));
    expect(await mailer.send(mail('one'))).to.deep.equal({ kind: 'accepted' });
    expect((fs.statSync(mailer.folder).mode & 0o777).toString(8)).to.equal('700');
    const [file] = fs.readdirSync(mailer.folder);
    expect((fs.statSync(path.join(mailer.folder, file!)).mode & 0o777).toString(8)).to.equal('600');
  });

  it('deletes the mails written before the cut-off and keeps the newer ones', async () => {
    const mailer = new DemoMailer(dataDir, createLogger('silent'));
    expect(mailer.purgeOlderThan(new Date())).to.equal(0); // no folder yet
    await mailer.send(mail('old'));
    await mailer.send(mail('new'));
    const old = path.join(
      mailer.folder,
      fs.readdirSync(mailer.folder).find((f) => f.startsWith('_old'))!,
    );
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
    fs.utimesSync(old, eightDaysAgo, eightDaysAgo);
    expect(mailer.purgeOlderThan(new Date(Date.now() - 7 * 86_400_000))).to.equal(1);
    expect(fs.readdirSync(mailer.folder)).to.deep.equal(['_new_mfa-buddy_.html']);
  });
});
