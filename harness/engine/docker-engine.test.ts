import { describe, expect, it } from 'vitest'
import { stepsMissing } from './docker-engine.js'

describe('stepsMissing', () => {
  const step = (index: number, total: number, stage?: string) => ({
    index,
    total,
    ...(stage ? { stage } : {}),
  })

  it('finds a stage shown without some of its steps, as when another build did them at the same time', () => {
    expect(stepsMissing([step(1, 6)])).toBe(true)
    expect(stepsMissing([step(1, 3, 'builder'), step(3, 3, 'builder'), step(1, 1, 'final')])).toBe(true)
  })

  it('accepts every step of every stage shown, and a stage the target does not need left out', () => {
    expect(stepsMissing([step(1, 2), step(2, 2)])).toBe(false)
    expect(stepsMissing([step(2, 2, 'b'), step(1, 2, 'b')])).toBe(false)
    expect(stepsMissing([])).toBe(false)
  })
})
