import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { IterationFacts } from '../model/index.js'
import { ResultCache } from './cache.js'

const MEASURED: IterationFacts = {
  status: 'measured',
  notes: [],
  image: { id: 'sha256:1', size: 42, env: {}, layers: [] },
}
const KEY = 'a'.repeat(64)

let dir: string
let warnings: string[]
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lessonproof-cache-'))
  warnings = []
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe('ResultCache', () => {
  it('gives back what it kept, and keeps only completed measurements', async () => {
    const cache = new ResultCache(dir, (w) => warnings.push(w))
    await cache.write(KEY, MEASURED)
    expect(await cache.read(KEY)).toEqual(MEASURED)
    for (const status of ['build-failed', 'run-failed', 'blocked'] as const)
      await cache.write('b'.repeat(64), { status, reason: 'x', notes: [] })
    expect(await readdir(dir)).toEqual([`${KEY}.json`])
  })

  it('ignores, with a warning, a file it did not write; never replays a failure', async () => {
    const cache = new ResultCache(dir, (w) => warnings.push(w))
    for (const text of [
      '{"status":"blocked"}',
      '{"status":"measured","notes":[],"image":{"id":"x","size":"big","env":{},"layers":[]}}',
      '{"status":',
    ]) {
      await writeFile(join(dir, `${KEY}.json`), text)
      expect(await cache.read(KEY)).toBeUndefined()
    }
    expect(warnings).toHaveLength(3)
    await writeFile(join(dir, `${KEY}.json`), '{"status":"build-failed","reason":"x","notes":[]}')
    expect(await cache.read(KEY)).toBeUndefined()
  })

  it('takes a cache dir it cannot write as a warning', async () => {
    await writeFile(join(dir, 'file'), '')
    const cache = new ResultCache(join(dir, 'file', 'cache'), (w) => warnings.push(w))
    await cache.write(KEY, MEASURED)
    expect(warnings[0]).toContain('could not keep results')
  })
})
