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
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the support-code key must be 32 bytes');
  }

  /** `v1:<nonce>:<tag>:<ciphertext>` (base64url parts). */
  seal(plain: Uint8Array, owner: string): string {
    const nonce = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, nonce);
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
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(owner, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]));
  }
}

/** Where the demo key is kept when SUPPORT_CODE_KEY is not set. */
export const DEMO_KEY_FILE = 'support-code.key';

/**
 * The key from SUPPORT_CODE_KEY, or (demo mode only: config refuses to start without the variable when Graph
 * is configured) one generated into DATA_DIR with mode 0600 and reused on later starts.
 */
export function supportCodeKey(
  configured: Buffer | undefined,
  dataDir: string,
): { key: Buffer; source: 'environment' | 'generated' | 'file' } {
  if (configured) return { key: configured, source: 'environment' };
  const file = path.join(dataDir, DEMO_KEY_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const hex = fs.readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/i.test(hex)) return { key: Buffer.from(hex, 'hex'), source: 'file' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = crypto.randomBytes(32);
  // 'wx': never overwrite a key another process has just written (that would orphan its secrets).
  try {
    fs.writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return supportCodeKey(undefined, dataDir);
    throw error;
  }
  return { key, source: 'generated' };
}
