/**
 * Renders how a lessonproof run looks on GitHub, from a real run's JSON report: the job log's
 * workflow command, the annotation it puts on the lesson line of a pull request, and the job
 * summary. A mock-up in GitHub's layout (the page is ours, the text is the reporters' output),
 * drawn to PNG by headless Chromium.
 *
 *   npx tsx docs/render-github-picture.ts REPORT.json OUT.png [PATH:LINE]
 *
 * PATH:LINE picks the failing claim shown as the annotation (default: the first in a lesson).
 * Links in the summary point where GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA say, as in
 * CI; elsewhere at a placeholder repository. The color emoji need Debian's fonts-noto-color-emoji.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execa } from 'execa'
import MarkdownIt from 'markdown-it'
import { Report } from '../harness/model/report.js'
import { annotations, summaryMarkdown } from '../harness/report/github.js'

const [reportPath, outPath, pick] = process.argv.slice(2)
if (!reportPath || !outPath) {
  process.stderr.write('usage: tsx docs/render-github-picture.ts REPORT.json OUT.png [PATH:LINE]\n')
  process.exit(2)
}

const report = Report.parse(JSON.parse(await readFile(reportPath, 'utf8')))
const failing = report.documents.flatMap((l) =>
  l.claims.filter((c) => c.verdict === 'fail' && c.ledger === undefined).map((c) => ({ path: l.path, ...c })),
)
const claim = pick
  ? failing.find((c) => `${c.path}:${c.line}` === pick)
  : (failing.find((c) => !/\.(summary|earlier-revision)\.md$|\.txt$/.test(c.path)) ?? failing[0])
if (!claim) throw new Error(pick ? `no failing claim at ${pick}` : 'the report has no failing claim to show')
const command = annotations(report).find((a) => a.includes(`file=${claim.path},line=${claim.line},`)) ?? ''

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const source = (await readFile(resolve(claim.path), 'utf8')).split('\n')
const first = Math.max(1, claim.line - 3)
const code = source
  .slice(first - 1, claim.line + 1)
  .map((text, i) => {
    const n = first + i
    const row = `<tr class="${n === claim.line ? 'hit' : ''}"><td class="num">${n}</td><td class="code">${esc(text) || '&nbsp;'}</td></tr>`
    if (n !== claim.line) return row
    return `${row}<tr><td colspan="2"><div class="annotation">
      <div class="ann-head"><span class="x">✖</span> <b>Check failure on line ${claim.line}</b> in ${esc(claim.path)}</div>
      <div class="ann-src">GitHub Actions / lessons</div>
      <div class="ann-title">lessonproof: ${esc(claim.title)}</div>
      <div class="ann-body">${esc(claim.reason)}</div></div></td></tr>`
  })
  .join('\n')

const env = process.env
const blobUrl =
  env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_SHA
    ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA}`
    : 'https://github.com/OWNER/REPO/blob/SHA'
const summary = new MarkdownIt({ html: true }).render(summaryMarkdown(report, { maxRows: 6, blobUrl }))
const totals = report.totals
const html = `<!doctype html><html><head><meta charset="utf-8"><style>
  body { font: 14px/1.5 'Liberation Sans', 'DejaVu Sans', 'Noto Color Emoji', sans-serif; color: #1f2328; background: #f6f8fa; margin: 0; padding: 20px; width: 1060px; }
  h1 { font-size: 15px; margin: 18px 0 6px; color: #59636e; font-weight: normal; }
  .box { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; overflow: hidden; }
  .log { background: #0d1117; color: #e6edf3; font: 12px/1.6 'DejaVu Sans Mono', monospace; padding: 10px 14px; border-radius: 6px; white-space: pre-wrap; word-break: break-all; }
  .log .cmd { color: #ff7b72; }
  .file { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 12px; font: 12px 'DejaVu Sans Mono', monospace; }
  table.diff { border-collapse: collapse; width: 100%; font: 12px/1.7 'DejaVu Sans Mono', monospace; }
  td.num { color: #59636e; text-align: right; padding: 0 10px; width: 40px; background: #fff; }
  td.code { white-space: pre-wrap; padding: 0 10px; }
  tr.hit td { background: #fff8c5; }
  .annotation { margin: 6px 12px 10px; border: 1px solid #d1d9e0; border-left: 4px solid #d1242f; border-radius: 6px; padding: 8px 12px; font-family: 'Liberation Sans', sans-serif; font-size: 13px; }
  .ann-head .x { color: #d1242f; } .ann-src { color: #59636e; font-size: 12px; }
  .ann-title { font-weight: bold; margin-top: 6px; } .ann-body { white-space: pre-wrap; }
  .summary { padding: 4px 18px 12px; }
  .summary h2 { font-size: 20px; border-bottom: 1px solid #d1d9e0; padding-bottom: 6px; }
  .summary table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
  .summary th, .summary td { border: 1px solid #d1d9e0; padding: 4px 10px; vertical-align: top; }
  .summary tr:nth-child(2n) td { background: #f6f8fa; }
  .summary code { background: #eff1f3; border-radius: 4px; padding: 1px 4px; font-size: 12px; }
  .summary a { color: #0969da; text-decoration: none; }
  .caption { color: #59636e; font-size: 12px; margin-top: 14px; }
</style></head><body>
<h1>Job log: the workflow command <code>lessonproof verify --reporter github</code> prints</h1>
<div class="log"><span class="cmd">${esc(command)}</span></div>
<h1>Pull request, “Files changed”: the annotation at the lesson line</h1>
<div class="box"><div class="file">${esc(claim.path)}</div><table class="diff">${code}</table></div>
<h1>Job summary ($GITHUB_STEP_SUMMARY)</h1>
<div class="box summary">${summary}</div>
<div class="caption">Rendered from a real run's JSON report (lessonproof ${esc(report.version)}, ${report.mode}): ${totals.pass} passed, ${totals.fail} failed, ${totals.ledgered} ledgered, ${totals.blocked} blocked. The page around the text is a mock-up of GitHub's layout; the command, the annotation's title and message, and the summary are the reporters' own output.</div>
</body></html>`

const dir = await mkdtemp(join(tmpdir(), 'lessonproof-picture-'))
try {
  const page = join(dir, 'page.html')
  await writeFile(page, html)
  await execa('chromium', [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--no-first-run',
    `--user-data-dir=${join(dir, 'profile')}`,
    '--hide-scrollbars',
    `--screenshot=${resolve(outPath)}`,
    `--window-size=1100,${env.PICTURE_HEIGHT ?? 1360}`,
    `file://${page}`,
  ])
  process.stdout.write(`${outPath}: ${claim.path}:${claim.line} ${claim.title}\n`)
} finally {
  await rm(dir, { recursive: true, force: true })
}
