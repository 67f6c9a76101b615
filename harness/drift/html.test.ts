import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { axisScale, chart, renderHtml } from './html.js'
import { DriftReport } from './report.js'

const fixture = DriftReport.parse(JSON.parse(readFileSync('fixtures/drift/report.json', 'utf8')))

function variant(edit: (r: DriftReport) => void): DriftReport {
  const copy = structuredClone(fixture)
  edit(copy)
  return DriftReport.parse(copy)
}

describe('renderHtml', () => {
  it('is one page with no script, no external reference, and a policy that forbids loading any', () => {
    const html = renderHtml(fixture)
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=/i)
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`)
  })

  it('escapes lesson text', () => {
    const html = renderHtml(
      variant((r) => {
        const claim = r.lessons[0]?.claims[0]
        if (claim) claim.text = '<img src=x onerror="alert(1)">'
      }),
    )
    expect(html).toContain('&#60;img src=x onerror=&#34;alert(1)&#34;&#62;')
    expect(html).not.toContain('<img')
  })

  it('draws bars in proportion to bytes on a round axis', () => {
    const lesson = fixture.lessons[0]
    if (!lesson) throw new Error('fixture lesson')
    const svg = chart(lesson)
    const widths = [...svg.matchAll(/data-series="(\w+)" data-iteration="([^"]+)" data-bytes="(\d+)"/g)].map(
      (m) => Number(m[3]),
    )
    expect(widths).toHaveLength(6)
    expect(svg).toContain('data-max="250000000"')
    expect(axisScale(139150748)).toEqual({ max: 150_000_000, step: 50_000_000 })
    expect(axisScale(1.21e9)).toEqual({ max: 1.5e9, step: 5e8 })
  })
})
