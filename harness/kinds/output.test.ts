import { describe, expect, it } from 'vitest'
import { foldedStart } from './output.js'

const fold = (text: string) => text.replace(/\s+/g, ' ').trim()

describe('foldedStart', () => {
  it('folds a short output whole', () => {
    expect(foldedStart('  hello\n  world  \n')).toBe('hello world')
  })

  it('agrees with the whole text folded as far as a quote reads (60 characters)', () => {
    const table = `REPOSITORY${' '.repeat(40)}TAG${' '.repeat(40)}SIZE\n`.repeat(30)
    const log = Array.from({ length: 500 }, (_, i) => `#${i} [stage ${i}/500] RUN step ${i}`).join('\n')
    for (const text of [table, log, `${' '.repeat(1000)}late start ${'x '.repeat(100)}`]) {
      const start = foldedStart(text)
      expect(start.length).toBeGreaterThan(60)
      expect(start.slice(0, 59)).toBe(fold(text).slice(0, 59))
    }
  })

  it('reads a long output only in part', () => {
    const log = 'step\n'.repeat(10_000)
    expect(foldedStart(log).length).toBeLessThan(fold(log).length)
  })
})
