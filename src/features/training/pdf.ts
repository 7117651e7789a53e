import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Locale } from '../../core/i18n/index.ts';
import { readerDate } from '../../core/views/time.tsx';
import { t } from './messages.ts';
import type { Certificate } from './service.ts';

/*
 * Certificates as PDF. pdfkit's built-in fonts cannot print names such as "Łucja Ōtsuka-Nguyễn",
 * so DejaVu (from the dejavu-fonts-ttf package) is embedded; nothing is fetched from a network.
 */
const require = createRequire(import.meta.url);
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function loadFonts() {
  fonts ??= {
    regular: fs.readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: fs.readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fonts;
}

/** Every sentence the certificate prints, in the reader's language (the date through Intl); the names stay as written. */
export function certificateText(cert: Certificate, siteName: string, verifyUrl: string, locale: Locale) {
  return {
    documentTitle: t(locale, 'pdfDocumentTitle', { course: cert.courseTitle }),
    heading: t(locale, 'pdfHeading'),
    certifies: t(locale, 'pdfCertifies'),
    completed: t(locale, 'pdfCompleted'),
    issued: t(locale, 'pdfIssued', { date: readerDate(`${cert.issuedOn}T00:00:00Z`, locale), site: siteName }),
    code: t(locale, 'pdfCode', { code: cert.code }),
    check: t(locale, 'pdfCheck', { url: verifyUrl }),
  };
}

export async function certificatePdf(
  cert: Certificate,
  siteName: string,
  verifyUrl: string,
  locale: Locale,
): Promise<Buffer> {
  const text = certificateText(cert, siteName, verifyUrl, locale);
  // Loaded on the first certificate: pdfkit is large and most requests never need it.
  const { default: PDFDocument } = await import('pdfkit');
  const { regular, bold } = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 56,
    // The document's language, so a screen reader reads the French certificate in French.
    lang: locale,
    info: {
      Title: text.documentTitle,
      Author: siteName,
      Subject: text.heading,
      Producer: siteName,
      Creator: siteName,
    },
  });
  doc.registerFont('body', regular);
  doc.registerFont('bold', bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 112;
  doc
    .rect(28, 28, doc.page.width - 56, doc.page.height - 56)
    .lineWidth(2)
    .stroke('#5b2a86');
  doc.moveDown(2);
  doc.font('bold').fontSize(30).fillColor('#3f1c5e').text(text.heading, 56, 100, { width, align: 'center' });
  doc.moveDown(1.2);
  doc.font('body').fontSize(14).fillColor('#1d1b22').text(text.certifies, { width, align: 'center' });
  doc.moveDown(0.6);
  doc.font('bold').fontSize(26).text(cert.holderName, { width, align: 'center' });
  doc.moveDown(0.6);
  doc.font('body').fontSize(14).text(text.completed, { width, align: 'center' });
  doc.moveDown(0.6);
  doc.font('bold').fontSize(20).text(cert.courseTitle, { width, align: 'center' });
  doc.moveDown(1);
  doc.font('body').fontSize(13).text(text.issued, { width, align: 'center' });
  doc.font('body').fontSize(11).fillColor('#4f4a57');
  doc.text(text.code, 56, doc.page.height - 130, { width, align: 'center' });
  doc.text(text.check, { width, align: 'center' });
  doc.end();
  return done;
}
