import { describe, expect, it } from 'vitest'
import { Janitor } from './janitor.js'

describe('Janitor', () => {
  it('runs every task once, newest first, and reports the ones that failed', async () => {
    const janitor = new Janitor()
    const order: string[] = []
    janitor.add('a', async () => order.push('a'))
    janitor.add('b', async () => {
      throw new Error('busy')
    })
    janitor.add('c', async () => order.push('c'))
    expect(await janitor.clean()).toEqual(['b'])
    expect(order).toEqual(['c', 'a'])
    expect(await janitor.clean()).toEqual([])
    expect(order).toEqual(['c', 'a'])
  })

  it('drops a task once its work is done otherwise', async () => {
    const janitor = new Janitor()
    const order: string[] = []
    janitor.add('a', async () => order.push('a'))
    const drop = janitor.add('b', async () => order.push('b'))
    drop()
    drop()
    expect(await janitor.clean()).toEqual([])
    expect(order).toEqual(['a'])
  })

  it('names a task by what is known when it fails, and stays closing once cleaning began', async () => {
    const janitor = new Janitor()
    let id = ''
    janitor.add(
      () => (id ? `container ${id}` : 'a container'),
      async () => {
        throw new Error('in use')
      },
    )
    id = 'abc123'
    expect(janitor.closing).toBe(false)
    expect(await janitor.clean()).toEqual(['container abc123'])
    // A container the engine finishes making after the run was interrupted must not be started.
    expect(janitor.closing).toBe(true)
  })
})
