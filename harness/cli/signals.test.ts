import { describe, expect, it } from 'vitest'
import { onSignals } from './signals.js'

describe('onSignals', () => {
  it('cleans up before exiting 130 on SIGINT, and says so', async () => {
    let cleaned = false
    const written: string[] = []
    let release = () => {}
    const code = await new Promise<number>((resolve) => {
      release = onSignals(
        async () => {
          cleaned = true
        },
        (t) => written.push(t),
        resolve,
      )
      process.emit('SIGINT', 'SIGINT')
    })
    release()
    expect(code).toBe(130)
    expect(cleaned).toBe(true)
    expect(written.join('')).toContain('SIGINT, removing what this run created')
  })
})
