import { describe, expect, it } from 'vitest'
import type { RunPlan } from '../plan/index.js'
import type { ProgressEvent } from '../report/index.js'
import { engineProgress } from './progress.js'

/** Just what the feed reads of a plan: which document each iteration is built for. */
const plan = (...documents: string[]) =>
  ({ iterations: documents.map((document) => ({ document })) }) as RunPlan

describe('engineProgress', () => {
  it("turns the engine's log lines into document and iteration events", async () => {
    const events: ProgressEvent[] = []
    const feed = engineProgress((e) => events.push(e))
    const lines = [
      'lessons/a.md: building app:naive from Dockerfile.naive',
      'lessons/a.md: running app:naive, waiting for /health',
      'lessons/a.md: app:slim unchanged since an earlier run, reusing its measurements',
      'lessons/a.summary.md: building nothing',
    ]
    await feed.measure(async () => {
      for (const line of lines) feed.log(line)
    })(plan('lessons/a.md', 'lessons/a.md'))
    expect(events).toEqual([
      { type: 'document', path: 'lessons/a.md', iterations: 2 },
      { type: 'iteration', path: 'lessons/a.md', tag: 'app:naive', index: 1, total: 2, reused: false },
      { type: 'note', text: 'lessons/a.md: running app:naive, waiting for /health' },
      { type: 'iteration', path: 'lessons/a.md', tag: 'app:slim', index: 2, total: 2, reused: true },
      { type: 'note', text: 'lessons/a.summary.md: building nothing' },
    ])
  })
})
