import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BarChart, FunnelChart, LineChart, shorten } from './chart.tsx';
import { renderToString } from './render.ts';

/*
 * The chart module is pure: numbers and labels in, markup out. These check what a staff page relies
 * on — a labelled picture with the same numbers in a table, hostile labels shown as text, bad
 * numbers drawn as nothing — without a database, so on no dialect.
 */
const ALLOWED_TAGS = new Set([
  'figure',
  'figcaption',
  'svg',
  'g',
  'rect',
  'text',
  'line',
  'polyline',
  'details',
  'summary',
  'div',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
]);

const tagsOf = (html: string) => [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());

function charts(label: string) {
  return [
    <BarChart id="b" caption={label} head={[label, 'Value']} data={[{ label, value: 3 }]} />,
    <FunnelChart
      id="f"
      caption="Funnel"
      head={['Step', 'People']}
      data={[
        { label: 'Started', value: 10 },
        { label, value: 4 },
      ]}
    />,
    <LineChart
      id="l"
      caption="Per day"
      labelHead={label}
      labels={[label, 'b']}
      series={[{ name: label, values: [1, 2] }]}
    />,
  ].map((c) => renderToString(c));
}

describe('SVG charts (core/views/chart.tsx)', () => {
  it('draws a figure with a caption, one labelled image and the numbers in a table', () => {
    const html = renderToString(
      <BarChart
        id="pass"
        caption="Pass rate per question"
        head={['Question', 'Pass rate']}
        max={100}
        data={[
          { label: 'What is consent?', value: 80, text: '80 % (8 of 10)' },
          { label: 'Who decides?', value: 50, text: '50 % (5 of 10)' },
        ]}
      />,
    );
    assert.match(html, /^<figure class="chart" id="pass" aria-labelledby="pass-caption">/);
    assert.match(html, /<figcaption id="pass-caption">Pass rate per question<\/figcaption>/);
    assert.match(
      html,
      /<svg[^>]*role="img"[^>]*aria-label="Pass rate per question. Highest: What is consent\?, 80 % \(8 of 10\)."/,
    );
    assert.match(html, /<details class="chart__data">/);
    assert.match(html, /<th scope="row">Who decides\?<\/th><td>50 % \(5 of 10\)<\/td>/);
    // 80 of 100 of the usable width (520): bars scale to `max`, not to the largest value.
    assert.match(html, /<rect x="0" y="20" width="416"/);
    assert.doesNotMatch(html, /style=/, 'no inline style: the CSP forbids it');
  });

  it('draws a funnel as a share of its first step', () => {
    const html = renderToString(
      <FunnelChart
        id="funnel"
        caption="Completion by lesson"
        head={['Step', 'Learners']}
        data={[
          { label: 'Started', value: 20 },
          { label: 'Lesson 1', value: 15 },
          { label: 'Completed', value: 5 },
        ]}
      />,
    );
    assert.match(html, /<th scope="row">Lesson 1<\/th><td>15<\/td><td>75 %<\/td>/);
    assert.match(html, /aria-label="Completion by lesson. Completed: 5 \(25 %\) of started."/);
    // Centred: the first bar is the whole width, the last a quarter of it.
    assert.match(html, /<rect x="0" y="2" width="600"/);
    assert.match(html, /<rect x="225" y="90" width="150"/);
  });

  it('draws lines with a legend and a row per day', () => {
    const html = renderToString(
      <LineChart
        id="trend"
        caption="Arrivals per day"
        labelHead="Day"
        labels={['2026-11-01', '2026-11-02', '2026-11-03']}
        series={[
          { name: 'Comments', values: [1, 4, 2] },
          { name: 'Pledges', values: [0, 2, 3] },
        ]}
      />,
    );
    assert.equal((html.match(/<polyline/g) ?? []).length, 2);
    assert.match(html, /<th scope="col">Day<\/th><th scope="col">Comments<\/th><th scope="col">Pledges<\/th>/);
    assert.match(html, /<th scope="row">2026-11-02<\/th><td>4<\/td><td>2<\/td>/);
    assert.match(html, /Comments: 7 in all; Pledges: 5 in all/);
  });

  it('draws NaN, infinite and negative numbers as nothing, and an empty chart without dividing by zero', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, -5]) {
      for (const html of [
        renderToString(<BarChart id="x" caption="c" head={['a', 'b']} data={[{ label: 'a', value }]} />),
        renderToString(<FunnelChart id="x" caption="c" head={['a', 'b']} data={[{ label: 'a', value }]} />),
        renderToString(
          <LineChart
            id="x"
            caption="c"
            labelHead="d"
            labels={['a', 'b']}
            series={[{ name: 's', values: [value, 1] }]}
          />,
        ),
      ]) {
        assert.doesNotMatch(html, /NaN|Infinity|-5/, html);
      }
    }
    for (const html of [
      renderToString(<BarChart id="x" caption="c" head={['a', 'b']} data={[]} />),
      renderToString(<FunnelChart id="x" caption="c" head={['a', 'b']} data={[]} />),
      renderToString(<LineChart id="x" caption="c" labelHead="d" labels={[]} series={[]} />),
    ]) {
      assert.doesNotMatch(html, /NaN|Infinity/, html);
      assert.match(html, /No data yet\./);
    }
  });

  it('shows hostile labels as text: no element or attribute comes from a label', () => {
    const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>&amp;`;
    for (const html of charts(hostile)) {
      assert.ok(!html.includes('<script'), html);
      assert.ok(!html.includes('<img'), html);
      assert.ok(html.includes('&lt;script>') || html.includes('&lt;script&gt;'), 'the label is kept, escaped');
      assert.ok(html.includes('&amp;amp;'), 'an entity in a label stays text');
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (label) => {
        for (const html of charts(label)) {
          for (const tag of tagsOf(html))
            assert.ok(ALLOWED_TAGS.has(tag), `unexpected <${tag}> from ${JSON.stringify(label)}`);
          // Inside tags only (text may say "onload="), with attribute values (escaped by preact) left out.
          assert.doesNotMatch(html.replace(/"[^"]*"/g, '""'), /<[a-z][^<>]*\son\w+=/i);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shortens long labels in the picture by whole characters, keeping them whole in the table', () => {
    const long = '😀'.repeat(60);
    assert.equal(Array.from(shorten(long)).length, 48);
    assert.ok(shorten(long).endsWith('…'));
    assert.ok(!shorten(long).includes('\uFFFD'));
    const [bars] = charts(long);
    assert.ok(bars!.includes(`<th scope="row">${long}</th>`));
  });
});
