import type { ComponentChildren } from 'preact';

/*
 * Small server-rendered charts for staff pages: horizontal bars, a funnel and lines, drawn as SVG
 * from plain numbers — no client library, no script, no inline style (the CSP allows neither), so
 * colours come from classes in site.css. Every chart is a <figure> with a caption; the picture is
 * one labelled image (role="img") and the same numbers stand in a table behind it, so a screen
 * reader or a keyboard user reads the data rather than the drawing. Labels are text nodes (preact
 * escapes them) and are shortened in the picture only; the table keeps them whole.
 */

export interface Datum {
  label: string;
  value: number;
  /** How the value reads in the table and beside the bar ("12 of 40", "83 %"); the number otherwise. */
  text?: string;
}

export interface Series {
  name: string;
  values: number[];
}

interface FrameProps {
  /** Unique on the page: the caption's id is derived from it. */
  id: string;
  caption: string;
  /** The data table's column headings. */
  head: string[];
  rows: string[][];
  children: ComponentChildren;
  /** Shown with the table open when the numbers matter more than the picture. */
  open?: boolean;
  /** The id of a table already on the page with these numbers (and more): linked instead of repeated. */
  tableId?: string;
}

const WIDTH = 600;
/** Longest label drawn in the picture; the table has it whole. */
const LABEL_MAX = 48;

/** A finite, non-negative number: anything else (NaN, Infinity, negatives) is drawn as nothing. */
export function clean(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** Cuts a label to `max` characters by whole code points, marking the cut. */
export function shorten(label: string, max = LABEL_MAX): string {
  const chars = Array.from(label);
  return chars.length <= max ? label : `${chars.slice(0, max - 1).join('')}…`;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function Frame({ id, caption, head, rows, children, open, tableId }: FrameProps) {
  const captionId = `${id}-caption`;
  if (tableId)
    return (
      <figure class="chart" id={id} aria-labelledby={captionId}>
        <figcaption id={captionId}>{caption}</figcaption>
        {children}
        <p class="chart__data">
          <a href={`#${tableId}`}>The numbers behind this chart</a>
        </p>
      </figure>
    );
  return (
    <figure class="chart" id={id} aria-labelledby={captionId}>
      <figcaption id={captionId}>{caption}</figcaption>
      {children}
      <details class="chart__data" open={open}>
        <summary>The numbers behind this chart</summary>
        <div class="table-scroll" role="region" aria-label={caption} tabindex={0}>
          <table>
            <thead>
              <tr>
                {head.map((h) => (
                  <th scope="col">{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(([first, ...rest]) => (
                <tr>
                  <th scope="row">{first}</th>
                  {rest.map((cell) => (
                    <td>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function Svg({ label, height, children }: { label: string; height: number; children: ComponentChildren }) {
  return (
    <svg
      class="chart__svg"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={label}
      focusable="false"
      xmlns="http://www.w3.org/2000/svg"
    >
      {children}
    </svg>
  );
}

function highest(data: Datum[]): string {
  if (data.length === 0) return 'No data yet.';
  const top = data.reduce((a, b) => (clean(b.value) > clean(a.value) ? b : a));
  return `Highest: ${top.label}, ${top.text ?? fmt(clean(top.value))}.`;
}

export interface BarsProps {
  id: string;
  caption: string;
  data: Datum[];
  /** The table's headings: what a label is, what a value is. */
  head: [string, string];
  /** The value a full bar stands for (100 for percentages); the largest value otherwise. */
  max?: number;
  /** A table already on the page with these numbers: linked instead of repeated under the chart. */
  tableId?: string;
}

const ROW = 44;

/** One horizontal bar per datum, its label above it and its value at its end. */
export function BarChart({ id, caption, data, head, max, tableId }: BarsProps) {
  const top = Math.max(clean(max ?? 0), ...data.map((d) => clean(d.value)), 1);
  const height = Math.max(data.length * ROW, ROW);
  const usable = WIDTH - 80;
  return (
    <Frame
      id={id}
      caption={caption}
      tableId={tableId}
      head={head}
      rows={data.map((d) => [d.label, d.text ?? fmt(clean(d.value))])}
    >
      <Svg label={`${caption}. ${highest(data)}`} height={height}>
        {data.map((d, i) => {
          const w = Math.round((clean(d.value) / top) * usable);
          const y = i * ROW;
          return (
            <g>
              <text x="0" y={y + 14} class="chart__label">
                {shorten(d.label)}
              </text>
              <rect x="0" y={y + 20} width={Math.max(w, 2)} height="16" class="chart__bar" />
              <text x={Math.max(w, 2) + 6} y={y + 33} class="chart__value">
                {d.text ?? fmt(clean(d.value))}
              </text>
            </g>
          );
        })}
      </Svg>
    </Frame>
  );
}

/**
 * Steps people pass through in order (started, lesson 1, lesson 2…, completed): each bar centred
 * and as wide as its share of the first step, so where people stop shows as a narrowing.
 */
export function FunnelChart({ id, caption, data, head, tableId }: Omit<BarsProps, 'max'>) {
  const first = clean(data[0]?.value ?? 0);
  const top = Math.max(first, ...data.map((d) => clean(d.value)), 1);
  const height = Math.max(data.length * ROW, ROW);
  const share = (d: Datum) => (first > 0 ? `${Math.round((clean(d.value) / first) * 100)} %` : '—');
  const valueText = (d: Datum) => `${d.text ?? fmt(clean(d.value))} (${share(d)})`;
  const last = data[data.length - 1];
  const summary = last ? `${last.label}: ${valueText(last)} of ${data[0]!.label.toLowerCase()}.` : 'No data yet.';
  return (
    <Frame
      id={id}
      caption={caption}
      tableId={tableId}
      head={[...head, 'Share of the first step']}
      rows={data.map((d) => [d.label, d.text ?? fmt(clean(d.value)), share(d)])}
    >
      <Svg label={`${caption}. ${summary}`} height={height}>
        {data.map((d, i) => {
          const w = Math.max(Math.round((clean(d.value) / top) * WIDTH), 2);
          const y = i * ROW;
          return (
            <g>
              <rect x={(WIDTH - w) / 2} y={y + 2} width={w} height="22" class="chart__bar chart__bar--funnel" />
              <text x={WIDTH / 2} y={y + 40} class="chart__label chart__label--centre">
                {shorten(d.label, 40)} · {valueText(d)}
              </text>
            </g>
          );
        })}
      </Svg>
    </Frame>
  );
}

export interface LineProps {
  id: string;
  caption: string;
  /** The x axis: one label per point ("2026-11-25"), shared by every series. */
  labels: string[];
  series: Series[];
  /** The table's first heading (what a label is). */
  labelHead: string;
  /** Shorter labels for the axis ("Day 3"), when the table's are long. */
  ticks?: string[];
}

const PLOT = { top: 10, bottom: 40, left: 40, height: 200 };
/** Up to six series told apart by colour and by dash, so colour is never the only difference. */
const SERIES_CLASSES = [1, 2, 3, 4, 5, 6].map((n) => `chart__line--${n}`);

/** Lines over time (arrivals per day, pledges per day): one per series, with a legend. */
export function LineChart({ id, caption, labels, series, labelHead, ticks = labels }: LineProps) {
  const shown = series.slice(0, SERIES_CLASSES.length);
  const top = Math.max(...shown.flatMap((s) => s.values.map(clean)), 1);
  const width = WIDTH - PLOT.left - 10;
  const step = labels.length > 1 ? width / (labels.length - 1) : 0;
  const x = (i: number) => PLOT.left + (labels.length > 1 ? i * step : width / 2);
  const y = (v: number) => PLOT.top + PLOT.height - (clean(v) / top) * PLOT.height;
  const legendY = PLOT.top + PLOT.height + PLOT.bottom;
  const height = legendY + shown.length * 20 + 4;
  const every = Math.max(1, Math.ceil(labels.length / 6));
  const totals = shown.map((s) => `${s.name}: ${fmt(s.values.reduce((a, v) => a + clean(v), 0))} in all`).join('; ');
  const summary = labels.length === 0 ? 'No data yet.' : `${labels[0]} to ${labels[labels.length - 1]}. ${totals}.`;
  return (
    <Frame
      id={id}
      caption={caption}
      head={[labelHead, ...shown.map((s) => s.name)]}
      rows={labels.map((label, i) => [label, ...shown.map((s) => fmt(clean(s.values[i] ?? 0)))])}
    >
      <Svg label={`${caption}. ${summary}`} height={height}>
        <line x1={PLOT.left} y1={y(0)} x2={WIDTH - 10} y2={y(0)} class="chart__axis" />
        <text x={PLOT.left - 6} y={y(top) + 4} class="chart__tick chart__tick--end">
          {fmt(top)}
        </text>
        <text x={PLOT.left - 6} y={y(0) + 4} class="chart__tick chart__tick--end">
          0
        </text>
        {labels.map((label, i) =>
          i % every === 0 || i === labels.length - 1 ? (
            <text x={x(i)} y={y(0) + 18} class="chart__tick chart__label--centre">
              {shorten(ticks[i] ?? label, 12)}
            </text>
          ) : null,
        )}
        {shown.map((s, n) => (
          <polyline
            points={labels.map((_, i) => `${x(i).toFixed(1)},${y(s.values[i] ?? 0).toFixed(1)}`).join(' ')}
            class={`chart__line ${SERIES_CLASSES[n]}`}
          />
        ))}
        {shown.map((s, n) => (
          <g>
            <line
              x1="0"
              y1={legendY + n * 20}
              x2="28"
              y2={legendY + n * 20}
              class={`chart__line ${SERIES_CLASSES[n]}`}
            />
            <text x="36" y={legendY + n * 20 + 5} class="chart__label">
              {shorten(s.name)}
            </text>
          </g>
        ))}
      </Svg>
    </Frame>
  );
}
