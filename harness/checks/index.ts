/**
 * Stage 5: claims and facts → verdicts. Each claim is judged by its kind: its static checks, then
 * — for a kind whose truth is a fact about a built image — the run's measurements, or, in a static
 * run, a blocked check that says what it would need.
 */
import { type Claim, kindOf } from '../kinds/index.js'
import { blocked, type CheckContext, type Course, MEASURED } from '../kinds/kit/index.js'
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

/** Every check of a claim, static then measured, folded into one verdict. */
export function checkClaim(claim: Claim, ctx: CheckContext): Verdict {
  return verdictOf([...kindOf(claim).check(claim, ctx), ...measuredChecks(claim, ctx)])
}

/**
 * The verdict once every document of the run is read: a kind that checks against the other
 * documents (a chapter's table of lessons) adds those checks to the claim's own.
 */
export function checkAcrossRun(claim: Claim, verdict: Verdict, course: Course): Verdict {
  const across = kindOf(claim).acrossRun
  return across ? verdictOf([...verdict.checks, ...across(claim as never, course)]) : verdict
}
