/**
 * Which iterations a moved base image affects: those built on it, and those a claim compares with
 * them (a reduction from one to the other is only judged with both measured).
 */
import type { Claim } from '../kinds/index.js'
import type { Iterations } from '../kinds/kit/index.js'

/** The iterations a claim speaks of: its own, and the two a comparison names. */
export function iterationsOfClaim(claim: Claim, iterations: Iterations): number[] {
  const found = new Set<number>()
  const c = claim as { from?: unknown; to?: unknown; image?: string; dockerfile?: string }
  const compared = typeof c.from === 'string' || typeof c.to === 'string'
  if (!compared) {
    const own = iterations.of(c)
    if (own) found.add(own.index)
  }
  for (const name of [c.from, c.to]) {
    if (typeof name !== 'string') continue
    const it = iterations.named(name)
    if (it) found.add(it.index)
  }
  return [...found]
}

/** The affected iterations, and every iteration a claim compares with one of them. */
export function withCompared(
  affected: ReadonlySet<number>,
  claims: Claim[],
  iterations: Iterations,
): Set<number> {
  const out = new Set(affected)
  for (const claim of claims) {
    const its = iterationsOfClaim(claim, iterations)
    if (its.some((i) => affected.has(i))) for (const i of its) out.add(i)
  }
  return out
}
