import fs from 'node:fs';
import { createRequire } from 'node:module';
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

function longDate(isoDay: string): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${isoDay}T00:00:00Z`),
  );
}

export async function certificatePdf(cert: Certificate, siteName: string, verifyUrl: string): Promise<Buffer> {
  // Loaded on the first certificate: pdfkit is large and most requests never need it.
  const { default: PDFDocument } = await import('pdfkit');
  const { regular, bold } = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 56,
    info: {
      Title: `Certificate: ${cert.courseTitle}`,
      Author: siteName,
      Subject: 'Certificate of completion',
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
  doc
    .font('bold')
    .fontSize(30)
    .fillColor('#3f1c5e')
    .text('Certificate of completion', 56, 100, { width, align: 'center' });
  doc.moveDown(1.2);
  doc.font('body').fontSize(14).fillColor('#1d1b22').text('This certifies that', { width, align: 'center' });
  doc.moveDown(0.6);
  doc.font('bold').fontSize(26).text(cert.holderName, { width, align: 'center' });
  doc.moveDown(0.6);
  doc.font('body').fontSize(14).text('has completed the course', { width, align: 'center' });
  doc.moveDown(0.6);
  doc.font('bold').fontSize(20).text(cert.courseTitle, { width, align: 'center' });
  doc.moveDown(1);
  doc
    .font('body')
    .fontSize(13)
    .text(`on ${longDate(cert.issuedOn)}, with ${siteName}.`, { width, align: 'center' });
  doc.font('body').fontSize(11).fillColor('#4f4a57');
  doc.text(`Verification code: ${cert.code}`, 56, doc.page.height - 130, { width, align: 'center' });
  doc.text(`Check that this certificate is genuine at ${verifyUrl}`, { width, align: 'center' });
  doc.end();
  return done;
}
