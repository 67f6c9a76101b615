import { describe, expect, it } from 'vitest'
import { minimumsIn } from './resource.js'

describe('minimums a text states', () => {
  it.each([
    ['4 GB RAM minimum', 'memory', 4],
    ['2 CPU cores minimum', 'cpu', 2],
    ['a minimum of 512 MB memory', 'memory', 0.512],
    ['at least 20 GB of free disk space', 'disk', 20],
    ['CPUs: 4 (minimum for AI workloads)', 'cpu', 4],
    ['Memory: 8 GB (minimum 4GB, more is better)', 'memory', 4],
  ])('%s', (text, resource, value) => {
    expect(minimumsIn(text, 1)).toEqual([expect.objectContaining({ resource, value })])
  })

  it('reads no minimum where none is stated', () => {
    expect(minimumsIn('Memory: 8 GB', 1)).toEqual([])
    expect(minimumsIn('CPUs: 4', 1)).toEqual([])
    expect(minimumsIn('the minimum viable product', 1)).toEqual([])
  })
})
