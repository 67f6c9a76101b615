import { readdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { Janitor } from '../engine/janitor.js'
import { writeContext } from './context.js'

/** The context dirs of a run left in the temp dir. */
async function contextsOf(runId: string): Promise<string[]> {
  return (await readdir(tmpdir())).filter((d) => d.startsWith(`lessonproof-${runId}-context-`))
}

/** Many files, each in a subdirectory of its own: writing one makes its directories first. */
const files = Object.fromEntries(
  Array.from({ length: 400 }, (_, i) => [`src/d${i}/file.txt`, 'x'.repeat(2000)]),
)

describe('writeContext', () => {
  it('writes the files, and the janitor removes the dir', async () => {
    const janitor = new Janitor()
    const runId = `ctx${process.pid}a`
    const dir = await writeContext(
      { Dockerfile: 'FROM scratch\n', 'src/a.c': 'int main(){}\n' },
      janitor,
      runId,
    )
    expect((await stat(`${dir}/src/a.c`)).isFile()).toBe(true)
    expect(await janitor.clean()).toEqual([])
    expect(await contextsOf(runId)).toEqual([])
  })

  it('stops writing on Ctrl-C, and leaves no dir behind', async () => {
    const janitor = new Janitor()
    const runId = `ctx${process.pid}b`
    const writing = writeContext(files, janitor, runId)
    writing.catch(() => undefined)
    // Clean once the first files are there, as a Ctrl-C in the middle of writing them.
    for (;;) {
      const [dir] = await contextsOf(runId)
      if (dir && (await readdir(`${tmpdir()}/${dir}`).catch(() => [])).length > 0) break
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(await janitor.clean()).toEqual([])
    await expect(writing).rejects.toThrow('interrupted: not writing the rest of the build context')
    expect(await contextsOf(runId)).toEqual([])
  })

  it('makes no dir once cleaning has begun', async () => {
    const janitor = new Janitor()
    const runId = `ctx${process.pid}c`
    janitor.add('slow', () => new Promise((resolve) => setTimeout(resolve, 50)))
    const cleaning = janitor.clean()
    await expect(writeContext(files, janitor, runId)).rejects.toThrow('interrupted')
    await cleaning
    expect(await contextsOf(runId)).toEqual([])
  })
})
