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

  it('keeps cleaning up on a second signal, and exits once, when it is done', async () => {
    let finish = () => {}
    const cleaning = new Promise<void>((resolve) => {
      finish = resolve
    })
    const written: string[] = []
    const codes: number[] = []
    const release = onSignals(
      () => cleaning,
      (t) => written.push(t),
      (code) => codes.push(code),
    )
    process.emit('SIGINT', 'SIGINT')
    process.emit('SIGTERM', 'SIGTERM')
    process.emit('SIGINT', 'SIGINT')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(codes).toEqual([])
    expect(written.join('')).toContain('still removing what this run created')
    finish()
    await new Promise((resolve) => setTimeout(resolve, 10))
    release()
    expect(codes).toEqual([130])
  })
})
