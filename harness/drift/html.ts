/**
 * The drift report as one self-contained HTML page: inline CSS, an inline SVG chart per lesson
 * (claimed vs baseline vs now, per iteration), no scripts, no fonts, no requests — a content
 * security policy forbids them, so the page reads the same offline, attached to a CI run.
 * Every bar carries its numbers as data attributes, which the browser spec reads back.
 */
import { dockerSize } from '../model/units.js'
import { headline } from './markdown.js'
import {
  type ClaimChange,
  type DriftReport,
  formatChange,
  type ImageDrift,
  type IterationDrift,
  instruction,
  type LessonDrift,
  shortDigest,
} from './report.js'

/** The chart's series, in drawing order, with their legend names and colours. */
export const SERIES = [
  { key: 'claimed', label: 'claimed by the lesson', color: '#a0a7b4' },
  { key: 'baseline', label: 'baseline', color: '#3b6fb6' },
  { key: 'now', label: 'now', color: '#e8743b' },
] as const
export type SeriesKey = (typeof SERIES)[number]['key']

const CHART = {
  width: 900,
  labelWidth: 170,
  valueWidth: 150,
  bar: 14,
  barGap: 3,
  groupGap: 18,
  top: 34,
  axis: 26,
}

export function renderHtml(report: DriftReport): string {
  const moved = report.images.filter((i) => i.status === 'moved')
  const unchecked = report.images.filter((i) => i.status === 'unresolved' || i.status === 'pinned')
  const changedClaims = report.lessons.flatMap((l) => l.claims)
  const failing = changedClaims.filter((c) => c.after === 'fail').length
  const iterations = report.lessons.reduce((n, l) => n + l.iterations.length, 0)
  const tone = report.outcome === 'unchanged' ? 'ok' : report.outcome === 'moved' ? 'warn' : 'bad'

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lessonproof drift: ${esc(headline(report))}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header class="${tone}">
  <p class="kicker">lessonproof drift report</p>
  <h1 data-outcome="${esc(report.outcome)}">${esc(headline(report))}</h1>
  <p class="when">Baseline <code>${esc(report.baseline.file)}</code> measured ${esc(day(report.baseline.date))} · checked ${esc(day(report.date))}</p>
  <dl class="totals">
    <div><dt>images moved</dt><dd data-total="moved">${moved.length}</dd></div>
    <div><dt>iterations rebuilt</dt><dd data-total="iterations">${iterations}</dd></div>
    <div><dt>claims now failing</dt><dd data-total="failing">${failing}</dd></div>
  </dl>
</header>
${moved.length > 0 ? movedSection(moved) : ''}
${unchangedSection(report.images)}
${unchecked.length > 0 ? uncheckedSection(unchecked) : ''}
${report.lessons.map((lesson) => lessonSection(lesson, report.images)).join('\n')}
${report.notes && report.notes.length > 0 ? `<section><h2>Notes</h2><ul class="notes">${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>` : ''}
${report.patch ? patchSection(report.patch) : ''}
<footer>lessonproof never edits a lesson: the patch above is for an author to review and apply.</footer>
</main>
</body>
</html>
`
}

function movedSection(moved: Extract<ImageDrift, { status: 'moved' }>[]): string {
  const rows = moved
    .map((image) => {
      const { before, after } = image
      const sized = before.size !== undefined && after.size !== undefined
      const change = sized
        ? (((after.size as number) - (before.size as number)) / (before.size as number)) * 100
        : 0
      return `<tr data-image="${esc(image.reference)}">
  <td><code>${esc(image.reference)}</code>${image.platform ? ` <span class="muted">${esc(image.platform)}</span>` : ''}</td>
  <td class="digest"><code title="${esc(before.digest)}">${esc(shortDigest(before.digest))}</code> → <code title="${esc(after.digest)}">${esc(shortDigest(after.digest))}</code></td>
  <td class="num">${sized ? `${esc(dockerSize(before.size as number))} → <strong>${esc(dockerSize(after.size as number))}</strong> <span class="${change > 0 ? 'up' : 'down'}">${esc(formatChange(change))}</span>` : '—'}</td>
  <td class="muted">${esc(image.usedBy.map((u) => u.iteration).join(', '))}</td>
</tr>`
    })
    .join('\n')
  return `<section>
<h2>Moved images</h2>
<table class="images"><thead><tr><th>image</th><th>digest then → now</th><th class="num">size then → now</th><th>used by</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</section>`
}

function unchangedSection(images: ImageDrift[]): string {
  const same = images.filter(
    (i): i is Extract<ImageDrift, { status: 'unchanged' }> => i.status === 'unchanged',
  )
  if (same.length === 0) return ''
  const items = same
    .map(
      (i) =>
        `<li data-image="${esc(i.reference)}"><code>${esc(i.reference)}</code> still <code title="${esc(i.digest)}">${esc(shortDigest(i.digest))}</code> <span class="muted">(${esc(i.usedBy.map((u) => u.iteration).join(', '))}: not rebuilt)</span></li>`,
    )
    .join('\n')
  return `<section><h2>Unchanged images</h2><ul class="unchanged">${items}</ul></section>`
}

function uncheckedSection(images: ImageDrift[]): string {
  const items = images
    .map((image) => {
      if (image.status === 'unresolved') {
        return `<li data-image="${esc(image.reference)}"><code>${esc(image.reference)}</code> could not be resolved: ${esc(image.message)}</li>`
      }
      if (image.status === 'pinned') {
        const tag = image.tagDigest
          ? `; its tag now points at <code>${esc(shortDigest(image.tagDigest))}</code>`
          : ''
        return `<li data-image="${esc(image.reference)}"><code>${esc(image.reference)}</code> is pinned to <code>${esc(shortDigest(image.digest))}</code>${tag}</li>`
      }
      return ''
    })
    .join('\n')
  return `<section><h2>Not checked</h2><ul class="unchecked">${items}</ul></section>`
}

function lessonSection(lesson: LessonDrift, images: ImageDrift[]): string {
  const uses = images.filter((i) => i.status === 'moved' && i.usedBy.some((u) => u.document === lesson.path))
  return `<section class="lesson" data-lesson="${esc(lesson.path)}">
<h2><code>${esc(lesson.path)}</code>${lesson.title ? ` <span class="title">${esc(lesson.title)}</span>` : ''}</h2>
${uses.length > 0 ? `<p class="muted">Built on ${uses.map((i) => `<code>${esc(i.reference)}</code>`).join(', ')}, which moved.</p>` : ''}
${lesson.iterations.length > 0 ? chart(lesson) : ''}
${lesson.iterations.length > 0 ? iterationTable(lesson.iterations) : ''}
${lesson.claims.length > 0 ? claimList(lesson.path, lesson.claims) : ''}
</section>`
}

/** Horizontal grouped bars: per iteration the size the lesson claims, the baseline's, and now. */
export function chart(lesson: LessonDrift): string {
  const values = lesson.iterations.flatMap((it) => [it.claimed?.bytes ?? 0, it.before, it.after])
  const { max, step } = axisScale(Math.max(1, ...values))
  const plot = CHART.width - CHART.labelWidth - CHART.valueWidth
  const x = (bytes: number) => (bytes / max) * plot
  const group = SERIES.length * CHART.bar + (SERIES.length - 1) * CHART.barGap
  const height = CHART.top + lesson.iterations.length * (group + CHART.groupGap) + CHART.axis
  const bottom = height - CHART.axis

  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step)
  const grid = ticks
    .map((t) => {
      const tx = CHART.labelWidth + x(t)
      return `<line x1="${fx(tx)}" x2="${fx(tx)}" y1="${CHART.top - 6}" y2="${bottom}" class="grid"/><text x="${fx(tx)}" y="${bottom + 16}" class="tick">${esc(dockerSize(t))}</text>`
    })
    .join('')

  // Legend entries side by side; 7 px a character is wide enough for the 12 px system font.
  let legendX = CHART.labelWidth
  const legend = SERIES.map((s) => {
    const entry = `<g transform="translate(${legendX},8)"><rect width="12" height="12" rx="2" fill="${s.color}"/><text x="18" y="10.5" class="legend">${esc(s.label)}</text></g>`
    legendX += 18 + s.label.length * 7 + 24
    return entry
  }).join('')

  const groups = lesson.iterations
    .map((it, gi) => {
      const y0 = CHART.top + gi * (group + CHART.groupGap)
      const bars = SERIES.map((s, si) => {
        const y = y0 + si * (CHART.bar + CHART.barGap)
        const bytes = barValue(it, s.key)
        const common = `data-series="${s.key}" data-iteration="${esc(it.tag)}"`
        if (bytes === undefined) {
          return `<text x="${CHART.labelWidth + 4}" y="${y + CHART.bar - 3}" class="value none" ${common}>not stated</text>`
        }
        const w = Math.max(1, x(bytes))
        const label =
          s.key === 'now' ? `${dockerSize(bytes)}  ${formatChange(it.changePct)}` : dockerSize(bytes)
        return `<rect x="${CHART.labelWidth}" y="${y}" width="${fx(w)}" height="${CHART.bar}" rx="2" fill="${s.color}" ${common} data-bytes="${bytes}"><title>${esc(`${it.tag} ${s.label}: ${dockerSize(bytes)} (${bytes} bytes)`)}</title></rect><text x="${fx(CHART.labelWidth + w + 6)}" y="${y + CHART.bar - 3}" class="value ${s.key}" ${common} data-label="true">${esc(label)}</text>`
      }).join('')
      const labelY = y0 + group / 2 + 4
      return `<g class="iteration" data-iteration="${esc(it.tag)}"><text x="${CHART.labelWidth - 10}" y="${labelY}" class="label">${esc(shorten(it.tag, 24))}<title>${esc(it.tag)}</title></text>${bars}</g>`
    })
    .join('')

  const summary = lesson.iterations
    .map((it) => `${it.tag}: baseline ${dockerSize(it.before)}, now ${dockerSize(it.after)}`)
    .join('; ')
  return `<svg class="chart" role="img" aria-label="${esc(`Image sizes of ${lesson.path}: ${summary}`)}" viewBox="0 0 ${CHART.width} ${height}" width="${CHART.width}" height="${height}" xmlns="http://www.w3.org/2000/svg" data-max="${max}">${legend}${grid}${groups}</svg>`
}

function barValue(it: IterationDrift, series: SeriesKey): number | undefined {
  if (series === 'claimed') return it.claimed?.bytes
  return series === 'baseline' ? it.before : it.after
}

function iterationTable(iterations: IterationDrift[]): string {
  const signed = (bytes: number) =>
    bytes === 0 ? '0B' : `${bytes > 0 ? '+' : '−'}${dockerSize(Math.abs(bytes))}`
  const rows = iterations
    .map((it) => {
      const layers = it.layers
        .filter((l) => l.change === 'added' || l.change === 'grown')
        .map(
          (l) =>
            `<li><span class="tag ${l.fromBase ? 'base' : 'own'}">${l.fromBase ? 'base' : 'own'}</span> ${l.change} ${l.change === 'added' ? `+${esc(dockerSize(l.after ?? 0))}` : `${esc(dockerSize(l.before ?? 0))} → ${esc(dockerSize(l.after ?? 0))}`} <code title="${esc(l.createdBy)}">${esc(shorten(instruction(l.createdBy), 60))}</code></li>`,
        )
        .join('')
      return `<tr data-iteration="${esc(it.tag)}">
  <td><code>${esc(it.tag)}</code><div class="muted">${esc(it.dockerfile)}</div></td>
  <td class="num">${it.claimed ? esc(it.claimed.text) : '—'}</td>
  <td class="num">${esc(dockerSize(it.before))}</td>
  <td class="num"><strong>${esc(dockerSize(it.after))}</strong></td>
  <td class="num ${it.changePct > 0 ? 'up' : it.changePct < 0 ? 'down' : ''}">${esc(formatChange(it.changePct))}</td>
  <td class="num">${esc(signed(it.drift.base))}</td>
  <td class="num">${esc(signed(it.drift.own))}</td>
  <td>${layers ? `<ul class="layers">${layers}</ul>` : '<span class="muted">none</span>'}</td>
</tr>`
    })
    .join('\n')
  return `<table class="iterations"><thead><tr><th>iteration</th><th class="num">claimed</th><th class="num">baseline</th><th class="num">now</th><th class="num">change</th><th class="num">from the base</th><th class="num">from its own layers</th><th>layers added or grown</th></tr></thead>
<tbody>
${rows}
</tbody></table>`
}

function claimList(path: string, claims: ClaimChange[]): string {
  const items = claims
    .map(
      (c) => `<li class="claim" data-claim="${esc(c.id)}" data-line="${c.line}">
  <div><span class="verdict ${c.before}">${c.before}</span> → <span class="verdict ${c.after}">${c.after}</span> <code>${esc(path)}:${c.line}</code> ${esc(c.title)}</div>
  <blockquote>${esc(c.text)}</blockquote>
  <div class="muted">${esc([c.expected && `expected ${c.expected}`, c.measured && `measured ${c.measured}`].filter(Boolean).join(' · ') || c.reason)}</div>
</li>`,
    )
    .join('\n')
  return `<h3>Claims whose verdict changed</h3><ul class="claims">${items}</ul>`
}

function patchSection(patch: string): string {
  const lines = patch
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const kind =
        line.startsWith('+++') || line.startsWith('---')
          ? 'file'
          : line.startsWith('@@')
            ? 'hunk'
            : line.startsWith('+')
              ? 'add'
              : line.startsWith('-')
                ? 'del'
                : 'ctx'
      return `<span class="${kind}">${esc(line)}</span>`
    })
    .join('\n')
  return `<section><h2>Suggested patch</h2><p class="muted">The edit that makes the claims true again, as a unified diff: review it, then <code>git apply</code> it.</p><pre class="patch">${lines}</pre></section>`
}

/** A round tick step (1, 2, 2.5 or 5 times a power of ten) giving 3 to 6 ticks, and the axis end it reaches. */
export function axisScale(value: number): { max: number; step: number } {
  const target = value * 1.04
  const power = 10 ** Math.floor(Math.log10(target / 4))
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => target / s <= 5) ?? 10 * power) as number
  return { max: Math.ceil(target / step) * step, step }
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function fx(n: number): string {
  return String(Math.round(n * 10) / 10)
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function day(iso: string): string {
  return iso.slice(0, 10)
}

const STYLE = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5d6677; --line: #e3e6ec; --bad: #c0392b; --ok: #1e8e4f; --warn: #b7791f; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 28px 40px; }
header { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--muted); border-radius: 8px; padding: 16px 20px; }
header.bad { border-left-color: var(--bad); } header.warn { border-left-color: var(--warn); } header.ok { border-left-color: var(--ok); }
.kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); }
h1 { margin: 2px 0 4px; font-size: 24px; line-height: 1.25; }
.when { margin: 0; color: var(--muted); font-size: 14px; }
.totals { display: flex; gap: 28px; margin: 12px 0 0; }
.totals div { display: flex; flex-direction: column-reverse; }
.totals dt { font-size: 12px; color: var(--muted); }
.totals dd { margin: 0; font-size: 26px; font-weight: 700; line-height: 1.1; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 20px 18px; margin-top: 16px; }
h2 { font-size: 18px; margin: 2px 0 10px; } h2 .title { font-weight: 400; color: var(--muted); margin-left: 6px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
code { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; background: #f1f3f6; border-radius: 4px; padding: 1px 4px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; border-bottom: 1px solid var(--line); padding: 4px 8px; }
td { border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
.num { text-align: right; white-space: nowrap; }
.muted { color: var(--muted); font-size: 13px; }
.up { color: var(--bad); font-weight: 600; } .down { color: var(--ok); font-weight: 600; }
.chart { display: block; max-width: 100%; height: auto; margin: 6px 0 12px; }
.chart text { font: 12px system-ui, "DejaVu Sans", sans-serif; fill: var(--ink); }
.chart .label { text-anchor: end; font-weight: 600; }
.chart .tick { text-anchor: middle; fill: var(--muted); font-size: 11px; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .value.now { font-weight: 700; }
.chart .value.none { fill: var(--muted); font-style: italic; }
ul.layers { margin: 0; padding: 0; list-style: none; font-size: 13px; }
.tag { display: inline-block; font-size: 11px; border-radius: 3px; padding: 0 5px; color: #fff; }
.tag.base { background: #3b6fb6; } .tag.own { background: #8e44ad; }
ul.claims { list-style: none; padding: 0; margin: 0; }
li.claim { border-top: 1px solid var(--line); padding: 8px 0; }
blockquote { margin: 4px 0; padding: 2px 10px; border-left: 3px solid var(--line); color: #333b4a; }
.verdict { display: inline-block; font-size: 12px; font-weight: 700; border-radius: 3px; padding: 0 6px; }
.verdict.pass { background: #e3f4ea; color: var(--ok); } .verdict.fail { background: #fbe5e2; color: var(--bad); } .verdict.blocked { background: #eef0f3; color: var(--muted); }
ul.unchecked, ul.unchanged { margin: 0; padding-left: 20px; }
pre.patch { background: #0f1420; color: #d6dbe4; padding: 12px 14px; border-radius: 6px; overflow-x: auto; font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; }
pre.patch .add { color: #7ee2a8; } pre.patch .del { color: #ff9c8f; } pre.patch .hunk { color: #8fb8ff; } pre.patch .file { color: #c7cbd4; font-weight: 700; }
footer { margin-top: 18px; color: var(--muted); font-size: 13px; text-align: center; }
`
