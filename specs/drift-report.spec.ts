/**
 * The HTML drift report in a real headless Chromium (Debian's): it renders, its charts and tables
 * show the report's numbers (read back from the DOM and from the rendered geometry), and the page
 * makes no request at all. The report is fixtures/drift/report.json (see its README).
 *
 * LESSONPROOF_UPDATE_SCREENSHOT=1 writes the screenshot to docs/drift-report.png, for the README.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderHtml } from '../harness/drift/html.js'
import { headline } from '../harness/drift/markdown.js'
import { DriftReport, formatChange, shortDigest } from '../harness/drift/report.js'
import { dockerSize } from '../harness/model/units.js'
import { ensureChromium, openBrowser } from './support/chromium.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const report = DriftReport.parse(JSON.parse(readFileSync('fixtures/drift/report.json', 'utf8')))
const chromiumPath = await ensureChromium()

/** What the page asked for, and what it complained about. */
interface Watched {
  requests: string[]
  errors: string[]
}

async function show(context: BrowserContext, html: string): Promise<{ page: Page } & Watched> {
  const page = await context.newPage()
  const watched: Watched = { requests: [], errors: [] }
  // Every request is refused and recorded: the page must need none.
  await page.route('**/*', async (route) => {
    watched.requests.push(route.request().url())
    await route.abort()
  })
  page.on('request', (request) => watched.requests.push(request.url()))
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(message.text())
  })
  page.on('pageerror', (error) => watched.errors.push(error.message))
  await page.setContent(html, { waitUntil: 'load' })
  return { page, ...watched }
}

if (typeof chromiumPath !== 'string') {
  if (required) {
    it('a headless Chromium is available (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(chromiumPath.missing)
    })
  } else {
    it.skip(`drift report specs: no Chromium (${chromiumPath.missing})`, () => {})
  }
} else {
  let browser: Awaited<ReturnType<typeof openBrowser>>
  beforeAll(async () => {
    browser = await openBrowser(chromiumPath)
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
  })

  describe('the HTML drift report in Chromium', () => {
    it('renders offline: no request, no error, the headline on top', async () => {
      const { page, requests, errors } = await show(browser.context, renderHtml(report))
      expect(requests).toEqual([])
      expect(errors).toEqual([])
      expect(await page.locator('h1').textContent()).toBe(headline(report))
      expect(await page.evaluate(() => document.scripts.length)).toBe(0)
      const chart = await page.locator('svg.chart').first().boundingBox()
      expect(chart?.width).toBeGreaterThan(600)
      expect(chart?.height).toBeGreaterThan(100)
      await page.close()
    })

    it("draws each iteration's claimed, baseline and current size as the report states them", async () => {
      const { page } = await show(browser.context, renderHtml(report))
      for (const lesson of report.lessons) {
        const svg = page.locator(`section[data-lesson="${lesson.path}"] svg.chart`)
        const bars = await svg.locator('rect[data-series]').evaluateAll((rects) =>
          rects.map((r) => ({
            series: r.getAttribute('data-series'),
            iteration: r.getAttribute('data-iteration'),
            bytes: Number(r.getAttribute('data-bytes')),
            width: r.getBoundingClientRect().width,
          })),
        )
        const labels = await svg.locator('text[data-label]').evaluateAll((texts) =>
          texts.map((t) => ({
            series: t.getAttribute('data-series'),
            iteration: t.getAttribute('data-iteration'),
            text: t.textContent,
          })),
        )
        const expected = lesson.iterations.flatMap((it) => [
          ...(it.claimed ? [{ series: 'claimed', iteration: it.tag, bytes: it.claimed.bytes }] : []),
          { series: 'baseline', iteration: it.tag, bytes: it.before },
          { series: 'now', iteration: it.tag, bytes: it.after },
        ])
        expect(bars.map(({ width: _w, ...bar }) => bar)).toEqual(expected)
        expect(labels).toEqual(
          expected.map((e) => {
            const it = lesson.iterations.find((i) => i.tag === e.iteration)
            const change = e.series === 'now' && it ? `  ${formatChange(it.changePct)}` : ''
            return { series: e.series, iteration: e.iteration, text: `${dockerSize(e.bytes)}${change}` }
          }),
        )
        // As drawn: every bar's rendered width is in the same proportion to its bytes.
        const perByte = bars.map((b) => b.width / b.bytes)
        // Widths are drawn to 0.1 px, so the proportion holds to well within 0.5%.
        for (const ratio of perByte) expect(Math.abs(ratio / (perByte[0] ?? 1) - 1)).toBeLessThan(0.005)
        const widest = bars.reduce((a, b) => (b.bytes > a.bytes ? b : a))
        const narrowest = bars.reduce((a, b) => (b.bytes < a.bytes ? b : a))
        expect(widest.width / narrowest.width).toBeCloseTo(widest.bytes / narrowest.bytes, 2)

        const rows = await page
          .locator(`section[data-lesson="${lesson.path}"] table.iterations tbody tr`)
          .evaluateAll((trs) =>
            trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())),
          )
        expect(rows.map((cells) => cells.slice(1, 5))).toEqual(
          lesson.iterations.map((it) => [
            it.claimed?.text ?? '—',
            dockerSize(it.before),
            dockerSize(it.after),
            formatChange(it.changePct),
          ]),
        )
        const claims = await page
          .locator(`section[data-lesson="${lesson.path}"] li.claim`)
          .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-line')))
        expect(claims).toEqual(lesson.claims.map((c) => String(c.line)))
      }
      await page.close()
    })

    it('lists each moved image with its digests and sizes then and now', async () => {
      const { page } = await show(browser.context, renderHtml(report))
      for (const image of report.images) {
        if (image.status !== 'moved') continue
        const text = await page.locator(`tr[data-image="${image.reference}"]`).textContent()
        const row = (text ?? '').replace(/\s+/g, ' ')
        expect(row).toContain(`${shortDigest(image.before.digest)} → ${shortDigest(image.after.digest)}`)
        expect(row).toContain(`${dockerSize(image.before.size ?? 0)} → ${dockerSize(image.after.size ?? 0)}`)
      }
      await page.close()
    })

    it('shows text from lessons as text, and says which images were not checked', async () => {
      const hostile = structuredClone(report)
      const lesson = hostile.lessons[0]
      if (!lesson?.claims[0]) throw new Error('the fixture has a claim')
      lesson.claims[0].text = '<script>document.title="x"</script><img src="http://127.0.0.1:9/x.png">'
      hostile.images.push(
        {
          reference: 'python:3.12-slim',
          status: 'unresolved',
          code: 'registry-unreachable',
          message: 'registry unreachable at https://registry-1.docker.io: ENOTFOUND',
          usedBy: [],
        },
        {
          reference: `debian@sha256:${'e'.repeat(64)}`,
          status: 'pinned',
          digest: `sha256:${'e'.repeat(64)}`,
          usedBy: [],
        },
      )
      const { page, requests } = await show(browser.context, renderHtml(hostile))
      expect(requests).toEqual([])
      expect(await page.evaluate(() => document.querySelectorAll('script, img').length)).toBe(0)
      expect(await page.locator('li.claim blockquote').first().textContent()).toBe(lesson.claims[0].text)
      const unchecked = (await page.locator('ul.unchecked').textContent()) ?? ''
      expect(unchecked).toContain('python:3.12-slim could not be resolved: registry unreachable')
      expect(unchecked).toContain(`is pinned to ${'e'.repeat(12)}`)
      await page.close()
    })

    it('takes a screenshot a person can read', async () => {
      const { page } = await show(browser.context, renderHtml(report))
      const dir = await mkdtemp(join(tmpdir(), 'lessonproof-shot-'))
      const file =
        process.env.LESSONPROOF_UPDATE_SCREENSHOT === '1'
          ? 'docs/drift-report.png'
          : join(dir, 'drift-report.png')
      await page.screenshot({ path: file, fullPage: true })
      expect((await stat(file)).size).toBeGreaterThan(50_000)
      await page.close()
      await rm(dir, { recursive: true, force: true })
    })
  })
}
