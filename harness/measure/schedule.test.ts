import { describe, expect, it } from 'vitest'
import { BuildGate, pool } from './schedule.js'

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('BuildGate', () => {
  it('lets shared holders in together and an exclusive one alone, before later shared ones', async () => {
    const gate = new BuildGate()
    const log: string[] = []
    const a = await gate.acquire(false)
    const b = await gate.acquire(false)
    log.push('a', 'b')
    const x = gate.acquire(true).then((release) => {
      log.push('x')
      return release
    })
    const c = gate.acquire(false).then((release) => {
      log.push('c')
      return release
    })
    await tick()
    expect(log).toEqual(['a', 'b'])
    a()
    await tick()
    expect(log).toEqual(['a', 'b'])
    b()
    const releaseX = await x
    await tick()
    expect(log).toEqual(['a', 'b', 'x'])
    releaseX()
    releaseX()
    ;(await c)()
    expect(log).toEqual(['a', 'b', 'x', 'c'])
  })
})

describe('pool', () => {
  it('keeps at most `limit` at once and the results in order', async () => {
    let running = 0
    let most = 0
    const results = await pool([5, 1, 3, 2], 2, async (n) => {
      running++
      most = Math.max(most, running)
      await new Promise((resolve) => setTimeout(resolve, n))
      running--
      return n * 10
    })
    expect(results).toEqual([50, 10, 30, 20])
    expect(most).toBe(2)
  })

  it('stops taking new work after a fatal error, and throws it once started work ends', async () => {
    const started: number[] = []
    await expect(
      pool([1, 2, 3, 4], 1, async (n) => {
        started.push(n)
        if (n === 2) throw new Error('engine gone')
        return n
      }),
    ).rejects.toThrow('engine gone')
    expect(started).toEqual([1, 2])
  })
})
