import { generateSecret, generate, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/*
 * RFC 6238 time-based codes through otplib (SHA-1, 6 digits, 30-second steps: what every
 * authenticator app reads), on the app clock so tests can move time. A code from the step before or
 * after is accepted for clock drift; `afterStep` refuses any step already used (no replay).
 */
export const newTotpSecret = (): string => generateSecret();

const epochOf = (now: Date) => Math.floor(now.getTime() / 1000);

/** The step the code matched, or undefined when it is wrong or from a step at or before `afterStep`. */
export async function matchTotp(
  secret: string,
  code: string,
  now: Date,
  afterStep: number | null,
): Promise<number | undefined> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const result = await verify({
    secret,
    token,
    epoch: epochOf(now),
    epochTolerance: 30,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  // The TOTP strategy's result carries the matched step (the union's HOTP side does not).
  return result.valid && 'timeStep' in result ? (result.timeStep as number) : undefined;
}

/** The code an authenticator app would show now (tests and the demo use it). */
export const totpCodeAt = (secret: string, now: Date): Promise<string> => generate({ secret, epoch: epochOf(now) });

/** The enrolment QR code, as an SVG data URI for an <img> (the CSP allows data: images, nothing else). */
export async function enrolmentQr(opts: { issuer: string; label: string; secret: string }) {
  const uri = generateURI(opts);
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { uri, dataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}
