/**
 * Encryption at rest for small secrets (support-code seeds): AES-256-GCM from node:crypto, a fresh 12-byte
 * nonce per seal, and the owner's id as associated data, so a sealed value copied onto another user's row
 * does not open.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';

export class SecretBox {
  private key?: Buffer;
  private readonly load?: () => Buffer;

  /** `key`, or a function that reads it on first use (a process that never seals never reads or makes one). */
  constructor(key: Buffer | (() => Buffer)) {
    if (typeof key === 'function') this.load = key;
    else this.key = checked(key);
  }

  /** Reads the key now: a bot fails at start, not at a pupil's first support code, when the key is bad. */
  ready(): void {
    this.keyNow();
  }

  private keyNow(): Buffer {
    return (this.key ??= checked(this.load!()));
  }

  /** `v1:<nonce>:<tag>:<ciphertext>` (base64url parts). */
  seal(plain: Uint8Array, owner: string): string {
    const nonce = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.keyNow(), nonce);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
    return [VERSION, nonce, cipher.getAuthTag(), sealed]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join(':');
  }

  /** The plain bytes; throws when the value was tampered with, belongs to someone else or the key is wrong. */
  open(sealed: string, owner: string): Uint8Array {
    const [version, nonce, tag, data] = sealed.split(':');
    if (version !== VERSION || !nonce || !tag || data === undefined) throw new Error('not a sealed secret');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.keyNow(), Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(owner, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]));
  }
}

function checked(key: Buffer): Buffer {
  if (key.length !== 32) throw new Error('the support-code key must be 32 bytes');
  return key;
}

/** Where the demo key is kept when SUPPORT_CODE_KEY is not set. */
export const DEMO_KEY_FILE = 'support-code.key';

/**
 * The key from SUPPORT_CODE_KEY, or (demo mode only: config refuses to start without the variable when Graph
 * is configured) one generated into DATA_DIR with mode 0600 and reused on later starts. The file is written
 * whole under a temporary name and then linked into place, so a reader never sees it half-written and two
 * processes starting together agree on one key. A file that is there but holds no key is a problem to fix by
 * hand, never overwritten: secrets sealed with the key it once held would be lost.
 */
export function supportCodeKey(
  configured: Buffer | undefined,
  dataDir: string,
): { key: Buffer; source: 'environment' | 'generated' | 'file' } {
  if (configured) return { key: configured, source: 'environment' };
  const file = path.join(dataDir, DEMO_KEY_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const existing = readKeyFile(file);
  if (existing) return { key: existing, source: 'file' };
  const key = crypto.randomBytes(32);
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process linked its key first: use that one.
    const theirs = readKeyFile(file);
    if (theirs) return { key: theirs, source: 'file' };
    throw new Error('unreachable: the key file appeared and vanished');
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return { key, source: 'generated' };
}

/** The key in `file`; undefined when there is no file; throws when there is one that holds no key. */
function readKeyFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  throw new Error(
    `${file} holds no support-code key (64 hex characters): set SUPPORT_CODE_KEY, or delete the file to make a new key (support codes made with the old one are then replaced on their next use)`,
  );
}
