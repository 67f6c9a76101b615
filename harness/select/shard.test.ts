import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lessonBuilding } from '../testing.js'
import { type WeighedFamily, weighFamilies } from './families.js'
import { parseShard, planShards } from './shard.js'

/** Families with pseudo-random weights (a fixed linear congruential sequence), some building nothing. */
function families(count: number): WeighedFamily[] {
  let seed = 7
  return Array.from({ length: count }, (_, i) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const iterations = seed % 9 === 0 ? 0 : seed % 13
    const lessonPath = `lessons/l${String(i).padStart(2, '0')}.md`
    return { lessonPath, documents: [lessonPath, lessonPath.replace(/\.md$/, '.summary.md')], iterations }
  })
}

describe('planShards', () => {
  const all = families(23)

  it.each([1, 2, 3, 4, 5])('gives every family to exactly one of %i shards', (n) => {
    const shards = planShards(all, n)
    expect(shards).toHaveLength(n)
    const placed = shards.flat().map((f) => f.lessonPath)
    expect([...placed].sort()).toEqual(all.map((f) => f.lessonPath))
    expect(new Set(placed).size).toBe(all.length)
  })

  it.each([2, 3, 4, 5])('balances %i shards by iterations within the largest family', (n) => {
    const loads = planShards(all, n).map((s) => s.reduce((sum, f) => sum + f.iterations, 0))
    const largest = Math.max(...all.map((f) => f.iterations))
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(largest)
    expect(loads.reduce((a, b) => a + b, 0)).toBe(all.reduce((sum, f) => sum + f.iterations, 0))
  })

  it('depends only on the families, not on the order they were found in', () => {
    const reversed = [...all].reverse()
    expect(planShards(reversed, 4)).toEqual(planShards(all, 4))
  })

  it('spreads families that build nothing by count', () => {
    const none = families(6).map((f) => ({ ...f, iterations: 0 }))
    expect(planShards(none, 3).map((s) => s.length)).toEqual([2, 2, 2])
  })

  it('leaves a shard empty when there are fewer families than shards', () => {
    expect(planShards(all.slice(0, 2), 5).map((s) => s.length)).toEqual([1, 1, 0, 0, 0])
  })
})

describe('parseShard', () => {
  it('reads i/n', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 })
  })

  it.each(['0/3', '4/3', '1/0', '1', 'a/b', '1/2/3'])('refuses %s', (text) => {
    expect(() => parseShard(text)).toThrow(`--shard takes i/n with 1 ≤ i ≤ n (e.g. 2/4), got '${text}'`)
  })
})

describe('weighFamilies', () => {
  it('counts the iterations each family builds, from its lesson and earlier revision', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lessonproof-weigh-'))
    const put = async (path: string, text: string) => {
      await mkdir(dirname(join(dir, path)), { recursive: true })
      await writeFile(join(dir, path), text)
    }
    try {
      await put('lessons/a.md', lessonBuilding(3))
      await put('lessons/a.earlier-revision.md', lessonBuilding(2))
      await put('lessons/a.summary.md', '- the final image is 120MB\n')
      await put('lessons/b.md', lessonBuilding(1))
      await put('lessons/broken.md', 'no frontmatter here\n')
      const paths = [
        'lessons/b.md',
        'lessons/a.summary.md',
        'lessons/a.md',
        'lessons/broken.md',
        'lessons/a.earlier-revision.md',
      ]
      expect(await weighFamilies(paths, dir)).toEqual([
        {
          lessonPath: 'lessons/a.md',
          documents: ['lessons/a.earlier-revision.md', 'lessons/a.md', 'lessons/a.summary.md'],
          iterations: 5,
        },
        { lessonPath: 'lessons/b.md', documents: ['lessons/b.md'], iterations: 1 },
        { lessonPath: 'lessons/broken.md', documents: ['lessons/broken.md'], iterations: 0 },
      ])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
