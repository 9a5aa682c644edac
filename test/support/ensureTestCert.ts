/**
 * Makes the self-signed certificate the HTTPS stand-ins (Graph, token endpoint) serve on 127.0.0.1.
 * `npm test` runs this first and points NODE_EXTRA_CA_CERTS at the certificate, which Node only reads at
 * process start; child processes (the bot under test) inherit it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';

export const TEST_TLS_DIR = path.resolve(__dirname, '..', '..', '.cache', 'test-tls');
export const TEST_CERT = path.join(TEST_TLS_DIR, 'cert.pem');
export const TEST_KEY = path.join(TEST_TLS_DIR, 'key.pem');

export async function ensureTestCert(): Promise<void> {
  if (fs.existsSync(TEST_CERT) && fs.existsSync(TEST_KEY)) return;
  fs.mkdirSync(TEST_TLS_DIR, { recursive: true });
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    notAfterDate: new Date(Date.now() + 3650 * 86_400_000),
    keySize: 2048,
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  fs.writeFileSync(TEST_KEY, pems.private, { mode: 0o600 });
  fs.writeFileSync(TEST_CERT, pems.cert);
}

if (require.main === module) {
  ensureTestCert().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
