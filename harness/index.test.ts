import { describe, expect, it } from 'vitest'
import { Report, verify } from './index.js'

describe('the package entry', () => {
  it('exports verify and the JSON report schema, and the report verify makes fits it', async () => {
    const { report } = await verify({ paths: ['lessons/multi-stage-builds.summary.md'], mode: 'static' })
    const parsed = Report.parse(report)
    expect(parsed.lessons.map((l) => l.path)).toEqual(['lessons/multi-stage-builds.summary.md'])
    expect(parsed.lessons[0]?.claims.length).toBeGreaterThan(0)
  })
})
