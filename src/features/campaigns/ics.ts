import type { Campaign, CampaignEvent } from './repo.ts';

/*
 * iCalendar (RFC 5545) written by hand: a handful of properties, UTC times (no VTIMEZONE
 * needed), text escaped (§3.3.11) and lines folded at 75 octets (§3.1) so Apple, Google and
 * Outlook calendars all read it.
 */
function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  let limit = 75;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (size + n > limit) {
      parts.push(current);
      current = '';
      size = 0;
      limit = 74; // continuation lines start with a space
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+/, '').replace(/Z?$/, 'Z');

export function eventsCalendar(
  campaign: Campaign,
  events: CampaignEvent[],
  opts: { publicUrl: string; host: string },
): string {
  const url = `${opts.publicUrl}/campaigns/${campaign.slug}`;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Alongside//Campaigns//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(campaign.title)}`,
  ];
  for (const e of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:campaign-event-${e.id}@${opts.host}`,
      `DTSTAMP:${stamp(e.created_at)}`,
      `DTSTART:${stamp(e.starts_at)}`,
      `DTEND:${stamp(e.ends_at)}`,
      `SUMMARY:${escapeText(e.title)}`,
    );
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.place) lines.push(`LOCATION:${escapeText(e.place)}`);
    lines.push(`URL:${e.link || url}`, 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}
