/**
 * Stage 5: claims and facts → verdicts. Each claim is judged by its kind: its static checks, then
 * — for a kind whose truth is a fact about a built image — the run's measurements, or, in a static
 * run, a blocked check that says what it would need.
 */
import { type Claim, kindOf } from '../kinds/index.js'
import { blocked, type CheckContext, type Course, MEASURED, type RunClaim } from '../kinds/kit/index.js'
import { type Check, type Verdict, verdictOf } from '../model/index.js'

export { CheckContext, type Course, courseDocument, type Family } from '../kinds/kit/index.js'

/** Why a static run cannot check a measured claim, unless its kind says better. */
function staticReason(claim: Claim): string {
  const what = claim.image ? `a build of ${claim.image}` : "a build of the lesson's images"
  return `needs ${what}; this run is static (--static)`
}

function measuredChecks(claim: Claim, ctx: CheckContext): Check[] {
  const { measured } = kindOf(claim)
  if (!measured) return []
  if (ctx.facts) return measured.judge(claim, ctx)
  if (measured.inStatic === 'skip') return []
  return [blocked(MEASURED, measured.staticReason?.(claim) ?? staticReason(claim))]
}

/** Whether a claim's kind has checks across the run's lessons (so the run keeps it until the end). */
export function checkedAcrossRun(claim: Claim): boolean {
  return kindOf(claim).acrossRun !== undefined
}

/**
 * The checks each kind makes across every document of the run, per claim: made once every
 * document is read (the same base image in two lessons, a lesson cited by number).
 */
export function checkAcrossRun(entries: RunClaim<Claim>[], course: Course): Map<Claim, Check[]> {
  const out = new Map<Claim, Check[]>()
  const byKind = new Map<string, RunClaim<Claim>[]>()
  for (const e of entries) {
    const group = byKind.get(e.claim.kind)
    if (group) group.push(e)
    else byKind.set(e.claim.kind, [e])
  }
  for (const [kind, claims] of byKind) {
    const across = kindOf({ kind }).acrossRun
    if (!across) continue
    for (const [claim, checks] of across(claims as never, course) as Map<Claim, Check[]>)
      out.set(claim, checks)
  }
  return out
}

/** Every check of a claim, static then measured, folded into one verdict. */
export function checkClaim(claim: Claim, ctx: CheckContext): Verdict {
  return verdictOf([...kindOf(claim).check(claim, ctx), ...measuredChecks(claim, ctx)])
}
