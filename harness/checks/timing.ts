import type { Check, Claim, ClaimOf } from '../model/index.js'
import type { CheckContext } from './context.js'

/** Install durations the build logs show, per tool ("uv", "pip"). */
function loggedDurations(claims: Claim[]): Map<string, { seconds: number; line: number }[]> {
  const map = new Map<string, { seconds: number; line: number }[]>()
  for (const c of claims) {
    if (c.kind !== 'duration' || !c.title.includes('(build of')) continue
    map.set(c.subject, [...(map.get(c.subject) ?? []), { seconds: c.seconds, line: c.source.line }])
  }
  return map
}

function logsFor(ctx: CheckContext, a: string, b: string) {
  const own = loggedDurations(ctx.claims)
  // A summary card speaks of its lesson's builds; a revision or lesson only of its own.
  const lesson = ctx.doc.role === 'summary' ? ctx.lesson : undefined
  if ((own.get(a) && own.get(b)) || !lesson) return { logs: own, where: 'its build logs' }
  return { logs: loggedDurations(lesson.claims), where: "the lesson's build logs" }
}

const list = (xs: { seconds: number; line: number }[]) =>
  xs.map((d) => `${d.seconds} s (line ${d.line})`).join(', ')

/** A duration in prose must be one the lesson's build logs show. */
export function durationChecks(claim: ClaimOf<'duration'>, ctx: CheckContext): Check[] {
  if (claim.title.includes('(build of')) return []
  const name = 'matches the build logs the lesson shows'
  const logged = loggedDurations(ctx.claims).get(claim.subject) ?? []
  if (logged.length === 0)
    return [
      { name, status: 'blocked', reason: `the lesson shows no build log with a ${claim.subject} install` },
    ]
  const match = logged.find((d) =>
    claim.atLeast ? d.seconds >= claim.seconds : Math.abs(d.seconds - claim.seconds) < 0.05,
  )
  return [
    match
      ? { name, status: 'pass', reason: `the build log at line ${match.line} shows ${match.seconds} s` }
      : {
          name,
          status: 'fail',
          reason: `no ${claim.subject} install in the lesson's build logs took ${claim.atLeast ? 'at least ' : ''}${claim.seconds} s: ${list(logged)}`,
          expected: `${claim.seconds} s`,
          measured: list(logged),
        },
  ]
}

/** A speed-up must be what the lesson's own build logs show for the same installs. */
export function speedupChecks(claim: ClaimOf<'speedup'>, ctx: CheckContext): Check[] {
  const name = "agrees with the lesson's own timings"
  const { logs, where } = logsFor(ctx, claim.faster, claim.slower)
  const fast = logs.get(claim.faster) ?? []
  const slow = logs.get(claim.slower) ?? []
  if (fast.length === 0 || slow.length === 0) {
    return [
      {
        name,
        status: 'blocked',
        reason: `the lesson shows no build log timing both ${claim.faster} and ${claim.slower}`,
      },
    ]
  }
  const best = Math.max(...slow.map((d) => d.seconds)) / Math.min(...fast.map((d) => d.seconds))
  const worst = Math.min(...slow.map((d) => d.seconds)) / Math.max(...fast.map((d) => d.seconds))
  const shown = `${where} show ${claim.faster} ${list(fast)} against ${claim.slower} ${list(slow)}: ${worst.toFixed(1)}x to ${best.toFixed(1)}x`
  return [
    best >= claim.minFactor
      ? { name, status: 'pass', reason: shown }
      : {
          name,
          status: 'fail',
          reason: `${shown}, short of ${claim.minFactor}x`,
          expected: `≥ ${claim.minFactor}x`,
          measured: `${best.toFixed(1)}x at most`,
        },
  ]
}
