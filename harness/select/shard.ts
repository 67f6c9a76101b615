import { UsageError } from '../errors.js'
import { byCodeUnits, type WeighedFamily } from './families.js'

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number
  count: number
}

/** Reads `i/n` as `--shard` takes it. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim())
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (!match || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard takes i/n with 1 ≤ i ≤ n (e.g. 2/4), got '${text}'`)
  return { index, count }
}

/**
 * Splits families into `count` shards, balanced by the iterations they build.
 *
 * Longest first (LPT): families in order of iterations, most first, then by lesson path; each
 * goes to the shard with the fewest iterations so far (then the fewest families, then the lowest
 * number). Every family lands in exactly one shard; the split depends only on the families, so
 * every job of a matrix computes the same one. No shard ends more than the largest family's
 * iterations above the lightest, and within 4/3 of the best possible longest shard.
 */
export function planShards(families: WeighedFamily[], count: number): WeighedFamily[][] {
  const shards = Array.from({ length: count }, () => ({ iterations: 0, families: [] as WeighedFamily[] }))
  const order = [...families].sort(
    (a, b) => b.iterations - a.iterations || byCodeUnits(a.lessonPath, b.lessonPath),
  )
  for (const family of order) {
    let best = shards[0]
    for (const shard of shards) {
      if (!best) break
      if (
        shard.iterations < best.iterations ||
        (shard.iterations === best.iterations && shard.families.length < best.families.length)
      )
        best = shard
    }
    best?.families.push(family)
    if (best) best.iterations += family.iterations
  }
  return shards.map((s) => s.families.sort((a, b) => byCodeUnits(a.lessonPath, b.lessonPath)))
}
