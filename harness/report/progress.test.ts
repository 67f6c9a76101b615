import { describe, expect, it } from 'vitest'
import { createProgress, type ProgressEvent } from './progress.js'

const RUN: ProgressEvent[] = [
  {
    type: 'plan',
    documents: [
      { path: 'lessons/a.md', iterations: 2 },
      { path: 'lessons/b.md', iterations: 1 },
    ],
  },
  { type: 'document', path: 'lessons/a.md', iterations: 2 },
  { type: 'iteration', path: 'lessons/a.md', tag: 'app:naive', index: 1, total: 2 },
  { type: 'note', text: 'lessons/a.md: running app:naive, waiting for /health' },
  { type: 'iteration', path: 'lessons/a.md', tag: 'app:slim', index: 2, total: 2, reused: true },
  { type: 'document', path: 'lessons/c.md', iterations: 1 },
  { type: 'iteration', path: 'lessons/c.md', tag: 'c:1', index: 1, total: 1 },
  { type: 'done' },
]

function record(live: boolean, columns?: number): string {
  let out = ''
  const progress = createProgress({ write: (t) => (out += t), live, ...(columns ? { columns } : {}) })
  for (const event of RUN) progress(event)
  return out
}

describe('progress', () => {
  it('writes one plain line per event when not on a terminal, with how many are left', () => {
    expect(record(false).split('\n')).toEqual([
      'lessonproof: 3 iterations to build in 2 documents',
      'lessonproof: lessons/a.md: 2 iterations',
      'lessons/a.md: building app:naive (1/2 of the document; 1/3 of the run, 2 left)',
      'lessons/a.md: running app:naive, waiting for /health',
      'lessons/a.md: reusing app:slim (2/2 of the document; 2/3 of the run, 1 left)',
      // A document read for context (not in the plan) adds its iterations to the total.
      'lessonproof: lessons/c.md: 1 iteration',
      'lessons/c.md: building c:1 (1/1 of the document; 3/4 of the run, 1 left)',
      'lessonproof: 3 of 4 iterations built or reused',
      '',
    ])
  })

  it('redraws one status line on a terminal, keeping other lines above it', () => {
    const out = record(true, 40)
    const CLEAR = '\r\x1b[2K'
    const status = 'lessons/a.md: building app:naive (1/2 …'
    expect(out).toContain(`${CLEAR}${status}${CLEAR}`)
    // The note clears the status, prints itself, then draws the status again.
    expect(out).toContain(`${CLEAR}lessons/a.md: running app:naive, waiting for /health\n${status}${CLEAR}`)
    expect(out.endsWith(`${CLEAR}${CLEAR}lessonproof: 3 of 4 iterations built or reused\n`)).toBe(true)
    // No status line is longer than the terminal.
    for (const status of out.split(CLEAR)) expect(status.split('\n').at(-1)?.length ?? 0).toBeLessThan(40)
  })
})
