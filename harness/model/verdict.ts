import { z } from 'zod'

/**
 * How a claim ended.
 * - `pass`: every check the claim needs ran and held.
 * - `fail`: a check ran and did not hold.
 * - `blocked`: a check the claim needs could not run in this run (the reason says why).
 */
export const Status = z.enum(['pass', 'fail', 'blocked'])
export type Status = z.infer<typeof Status>

/** One check of one claim. */
export const Check = z.object({
  /** What was checked. @example "agrees with the sizes it derives from" */
  name: z.string(),
  status: Status,
  /** Why, in words a course author can act on. */
  reason: z.string(),
  /** What the lesson says, as compared. */
  expected: z.string().optional(),
  /** What was found (computed from the lesson or measured). */
  measured: z.string().optional(),
})
export type Check = z.infer<typeof Check>

/** The verdict on a claim: the worst of its checks (fail, then blocked, then pass). */
export const Verdict = z.object({
  status: Status,
  reason: z.string(),
  expected: z.string().optional(),
  measured: z.string().optional(),
  checks: z.array(Check),
})
export type Verdict = z.infer<typeof Verdict>

const rank: Record<Status, number> = { pass: 0, blocked: 1, fail: 2 }

/** Folds checks into one verdict; a claim with no check at all is blocked, never passed. */
export function verdictOf(checks: Check[]): Verdict {
  if (checks.length === 0) {
    return { status: 'blocked', reason: 'no check applies to this claim yet', checks }
  }
  const worst = checks.reduce((a, b) => (rank[b.status] > rank[a.status] ? b : a))
  const same = checks.filter((c) => c.status === worst.status)
  const passed = checks.filter((c) => c.status === 'pass')
  // A blocked claim still says what was checked, so the author sees how far it got.
  const also =
    worst.status === 'blocked' && passed.length > 0
      ? ` (checked so far: ${passed.map((c) => c.reason).join('; ')})`
      : ''
  const verdict: Verdict = {
    status: worst.status,
    reason: same.map((c) => c.reason).join('; ') + also,
    checks,
  }
  if (worst.expected !== undefined) verdict.expected = worst.expected
  if (worst.measured !== undefined) verdict.measured = worst.measured
  return verdict
}
