import { describe, expect, it } from 'vitest'
import { Baseline, DriftReport, Report, toReport, verify } from './index.js'

describe('the package entry', () => {
  it('exports verify and the JSON report schema, and the report of a run fits it', async () => {
    const result = await verify({ paths: ['lessons/multi-stage-builds.summary.md'] })
    const parsed = Report.parse(toReport(result, '0.0.0'))
    expect(parsed.documents.map((l) => l.path)).toEqual(['lessons/multi-stage-builds.summary.md'])
    expect(parsed.documents[0]?.claims.length).toBeGreaterThan(0)
  })

  it("exports the baseline's and the drift report's schemas", () => {
    expect(Baseline.shape.version.value).toBe(1)
    expect(DriftReport.shape.report.value).toBe('drift')
  })
})
