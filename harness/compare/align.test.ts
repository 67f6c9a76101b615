import { describe, expect, it } from 'vitest'
import { align, isElision } from './align.js'

function run(claimed: string[], actual: string[]) {
  return align(
    claimed.length,
    actual.length,
    (i) => isElision(claimed[i] ?? ''),
    (i, j) => claimed[i] === actual[j],
  )
}

describe('isElision', () => {
  it.each(['...', '…', '  ...  ', '[...]', '[…]'])('reads %j as an elision', (line) => {
    expect(isElision(line)).toBe(true)
  })
  it.each(['Loading...', '... and more', '....', ''])('reads %j as a line', (line) => {
    expect(isElision(line)).toBe(false)
  })
})

describe('align', () => {
  it('matches equal lines one to one', () => {
    expect(run(['a', 'b'], ['a', 'b'])).toEqual([
      { kind: 'match', claimed: 0, actual: 0 },
      { kind: 'match', claimed: 1, actual: 1 },
    ])
  })

  it('lets an elision swallow lines, and no more than it must', () => {
    expect(run(['a', '...', 'z'], ['a', 'b', 'c', 'z'])).toEqual([
      { kind: 'match', claimed: 0, actual: 0 },
      { kind: 'elide', claimed: 1, actual: [1, 2] },
      { kind: 'match', claimed: 2, actual: 3 },
    ])
    expect(run(['...', 'z'], ['z', 'z'])).toEqual([
      { kind: 'elide', claimed: 0, actual: [0] },
      { kind: 'match', claimed: 1, actual: 1 },
    ])
  })

  it('prefers a change to an elision that would hide the changed line', () => {
    expect(run(['A', '...', 'z'], ["A'", 'x', 'z'])).toEqual([
      { kind: 'change', claimed: 0, actual: 0 },
      { kind: 'elide', claimed: 1, actual: [1] },
      { kind: 'match', claimed: 2, actual: 2 },
    ])
  })

  it('reports missing and unexpected lines', () => {
    expect(run(['a', 'b', 'c'], ['a', 'c', 'd'])).toEqual([
      { kind: 'match', claimed: 0, actual: 0 },
      { kind: 'missing', claimed: 1 },
      { kind: 'match', claimed: 2, actual: 1 },
      { kind: 'unexpected', actual: 2 },
    ])
  })

  it('handles empty sides', () => {
    expect(run([], [])).toEqual([])
    expect(run(['...'], [])).toEqual([{ kind: 'elide', claimed: 0, actual: [] }])
    expect(run([], ['x'])).toEqual([{ kind: 'unexpected', actual: 0 }])
  })
})
