import { describe, expect, it } from 'vitest'
import { currentOwner, liveness, startOf } from './owner.js'

describe('owner labels', () => {
  it('reads the start time after a command name with spaces and parentheses', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 10 5 0 0 20 0 11 0 987654 1000 200'
    expect(startOf(4242, () => stat)).toBe('987654')
    expect(
      startOf(1, () => {
        throw new Error('ENOENT')
      }),
    ).toBe('')
  })

  it('calls this process alive, a gone or reused pid dead, another host or an old label unknown', () => {
    expect(liveness(currentOwner())).toBe('alive')
    const here = currentOwner().split('/')[0] ?? ''
    expect(liveness(`${here}/123/5`, here, () => ({ exists: false }))).toBe('dead')
    expect(liveness(`${here}/123/5`, here, () => ({ exists: true, start: '6' }))).toBe('dead')
    expect(liveness(`${here}/123/5`, here, () => ({ exists: true, start: '5' }))).toBe('alive')
    expect(liveness(`${here}/123/`, here, () => ({ exists: true }))).toBe('alive')
    expect(liveness('elsewhere/123/5', here, () => ({ exists: false }))).toBe('unknown')
    expect(liveness(undefined, here)).toBe('unknown')
  })
})
