/**
 * The Mailer of the demo mode (no Graph credentials): nothing leaves the machine. Each mail is written as an
 * HTML file into DATA_DIR/demo-mail (folder 0700, files 0600), so someone trying the bot offline can see what
 * the desk would receive; the log says loudly that no mail was sent. The mails hold names and the user's
 * words: the retention job deletes them after `retention.demoMailDays`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { OutgoingMail } from '../../domain/escalation/escalationMail';
import { escapeHtml } from '../../domain/text/html';
import type { Logger } from '../../logging/logger';
import type { Mailer, MailOutcome } from '../../ports/mailer';
import { ensurePrivateDir } from '../privateFiles';

export class DemoMailer implements Mailer {
  readonly kind = 'demo' as const;
  readonly folder: string;

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.folder = path.join(dataDir, 'demo-mail');
  }

  send(mail: OutgoingMail): Promise<MailOutcome> {
    ensurePrivateDir(this.folder);
    const name = `${mail.internetMessageId.replace(/[^A-Za-z0-9.-]+/g, '_')}.html`;
    const headers = [
      ['From', mail.sender],
      ['To', mail.to],
      ['Reply-To', mail.replyTo?.address ?? ''],
      ['Subject', mail.subject],
      ['Message-ID', mail.internetMessageId],
      ...mail.headers.map((h) => [h.name, h.value]),
    ]
      .map(([k, v]) => `<b>${escapeHtml(k!)}:</b> ${escapeHtml(v!)}<br>`)
      .join('\n');
    fs.writeFileSync(path.join(this.folder, name), `${headers}\n<hr>\n${mail.html}`, { mode: 0o600 });
    this.log.warn(
      { file: path.join('demo-mail', name) },
      '*** DEMO MAILER *** no Graph credentials: the escalation mail was written to DATA_DIR, NOT sent',
    );
    return Promise.resolve({ kind: 'accepted' });
  }

  /** Deletes the mail files last written before `cutoff`; returns how many. */
  purgeOlderThan(cutoff: Date): number {
    let names: string[];
    try {
      names = fs.readdirSync(this.folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let deleted = 0;
    for (const name of names) {
      const file = path.join(this.folder, name);
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (!stat?.isFile() || stat.mtimeMs >= cutoff.getTime()) continue;
      fs.rmSync(file, { force: true });
      deleted++;
    }
    return deleted;
  }
}
