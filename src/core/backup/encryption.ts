import { Duplex, PassThrough, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Decrypter, Encrypter } from 'age-encryption';
import { BackupError } from './manifest.ts';

/*
 * `--encrypt` wraps the whole tar.gz in the age format (age-encryption, the TypeScript age by
 * age's author), with a passphrase (scrypt): `age --decrypt backup.tar.gz.age > backup.tar.gz`
 * opens it without Alongside, and age authenticates every 64 KiB chunk and the end of the file,
 * so a changed, cut or re-ordered file does not decrypt. The passphrase comes from the environment
 * or a terminal prompt, never from the command line, which other users can read in the process list.
 */
import { PASSPHRASE_ENV } from './manifest.ts';

export { PASSPHRASE_ENV };
export const MIN_PASSPHRASE_LENGTH = 10;

export type ArchiveKind = 'gzip' | 'age' | 'age-armored' | 'unknown';

/** What a backup file is, from its first bytes. */
export function sniff(head: Buffer): ArchiveKind {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  const text = head.toString('latin1');
  if (text.startsWith('age-encryption.org/v1\n')) return 'age';
  if (text.startsWith('-----BEGIN AGE ENCRYPTED FILE-----')) return 'age-armored';
  return 'unknown';
}

type WebBytes = WebReadableStream<Uint8Array>;

/** A stage for a pipeline: the tar.gz goes in, the age file comes out. */
export async function encryptingStage(passphrase: string): Promise<Duplex> {
  const encrypter = new Encrypter();
  encrypter.setPassphrase(passphrase);
  const plain = new PassThrough();
  const encrypted = await encrypter.encrypt(Readable.toWeb(plain) as unknown as ReadableStream<Uint8Array>);
  return Duplex.from({ writable: plain, readable: Readable.fromWeb(encrypted as unknown as WebBytes) });
}

/** The plaintext of an age file; refuses a wrong passphrase or a damaged header at once. */
export async function decrypting(source: Readable, passphrase: string): Promise<Readable> {
  const decrypter = new Decrypter();
  decrypter.addPassphrase(passphrase);
  let plain: ReadableStream<Uint8Array>;
  try {
    plain = await decrypter.decrypt(Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>);
  } catch (err) {
    source.destroy();
    const message = err instanceof Error ? err.message : String(err);
    if (/no identity matched/i.test(message)) {
      throw new BackupError('The passphrase does not open this encrypted backup. Nothing was restored.');
    }
    throw new BackupError(`The encrypted backup’s header is damaged (${message}). Nothing was restored.`);
  }
  return Readable.fromWeb(plain as unknown as WebBytes);
}

/** What was typed after the Enter that ended the last answer (typed ahead), for the next question. */
let typedAhead = '';

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (text: string) => {
      const chars = [...text];
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i]!;
        if (ch === '\r' || ch === '\n') {
          typedAhead = chars
            .slice(i + 1)
            .join('')
            .replace(/^[\r\n]/, '');
          finish();
          return resolve(value);
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          return reject(new BackupError('No passphrase was given; nothing was done.'));
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    process.stderr.write(question);
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
    if (typedAhead) {
      const earlier = typedAhead;
      typedAhead = '';
      onData(earlier);
    }
  });
}

const canPrompt = () => Boolean(process.stdin.isTTY);

/** The passphrase for a new encrypted backup: from ALONGSIDE_BACKUP_PASSPHRASE, or asked twice on a terminal. */
export async function newPassphrase(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let passphrase = env[PASSPHRASE_ENV];
  if (!passphrase) {
    if (!canPrompt()) {
      throw new BackupError(
        `--encrypt needs a passphrase: set ${PASSPHRASE_ENV}, or run the command in a terminal to be asked for one.`,
      );
    }
    passphrase = await promptHidden('Passphrase for the backup: ');
    if (passphrase && (await promptHidden('The same passphrase again: ')) !== passphrase) {
      throw new BackupError('The two passphrases differ; no backup was written.');
    }
  }
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new BackupError(
      `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long (four or five random words are a good one); no backup was written.`,
    );
  }
  return passphrase;
}

/** The passphrase to open an encrypted backup: from ALONGSIDE_BACKUP_PASSPHRASE, or asked on a terminal. */
export async function existingPassphrase(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const passphrase = env[PASSPHRASE_ENV];
  if (passphrase) return passphrase;
  if (!canPrompt()) {
    throw new BackupError(
      `This backup is encrypted: set ${PASSPHRASE_ENV} to its passphrase, or run the command in a terminal to be asked for it. Nothing was restored.`,
    );
  }
  const typed = await promptHidden('Passphrase of the backup: ');
  if (!typed) throw new BackupError('No passphrase was given. Nothing was restored.');
  return typed;
}
