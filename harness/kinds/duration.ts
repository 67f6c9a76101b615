/** A duration: "1.8 seconds", "pip's 8+ seconds", a build step's time in a build log. */
import { z } from 'zod'
import type { AnyClaim } from '../model/index.js'
import { blocked, defineKind, fail, MEASURED, pass } from './kit/index.js'
import { buildLogs } from './readings/outputs.js'
import { proseItems, sentenceOf } from './readings/prose.js'
import { firstRunning, measuredSteps, toolOf } from './readings/timings.js'

/** Why a duration is never held as a number, in either kind of run. */
export const TIMINGS_NOT_MEASURED =
  'absolute timings depend on the machine and the network; lessonproof holds durations only as ratios measured in one run (a speed-up)'

/** "uv … in 1.8 seconds vs pip's 8+ seconds". */
export const VERSUS =
  /\b(uv|pip)\b[^.]*?\bin\s+(\d+(?:\.\d+)?)\s*s(?:econds?)?\s+vs\.?\s+(uv|pip)(?:'s)?\s+(\d+(?:\.\d+)?)(\+)?\s*s(?:econds?)?/gi

/** Tools that install a project's requirements: their step is "installs the requirements". */
const INSTALLERS = new Set(['uv', 'pip', 'poetry', 'pdm', 'conda', 'npm', 'pnpm', 'yarn', 'bun'])

export const duration = defineKind({
  id: 'duration',
  fields: {
    /** What took that long. @example "uv" */
    tool: z.string(),
    seconds: z.number().nonnegative(),
    /** Written as a lower bound ("8+ seconds"). */
    atLeast: z.boolean(),
    /** A build log's step time, or a number in the prose. */
    origin: z.enum(['build-log', 'prose']),
  },

  extract(x, emit) {
    for (const log of x.read(buildLogs)) {
      for (const step of log.steps) {
        const tool = toolOf(step.instruction)
        if (!tool || step.seconds === undefined) continue
        emit({
          line: step.line,
          title: `${tool} ${INSTALLERS.has(tool) ? 'installs the requirements' : 'runs'} in ${step.seconds} s (build of ${log.image})`,
          subject: tool,
          ...x.about(log.it),
          tool,
          seconds: step.seconds,
          atLeast: false,
          origin: 'build-log',
        })
      }
    }
    for (const { prose, here } of x.read(proseItems)) {
      if (prose.kind === 'heading' || !/\bvs\b/i.test(prose.text)) continue
      for (const m of prose.text.matchAll(VERSUS)) {
        const [, fast = '', fastS = '0', slow = '', slowS = '0', plus] = m
        for (const [tool, seconds, atLeast] of [
          [fast.toLowerCase(), fastS, false],
          [slow.toLowerCase(), slowS, plus !== undefined],
        ] as const) {
          emit({
            line: prose.line,
            title: `${tool} installs the requirements in ${seconds}${atLeast ? '+' : ''} s (prose)`,
            quote: sentenceOf(prose.text, m.index ?? 0),
            subject: tool,
            ...x.about(here),
            tool,
            seconds: Number(seconds),
            atLeast,
            origin: 'prose',
          })
        }
      }
    }
  },

  /** A duration in prose must be one the lesson's build logs show. */
  check(claim, ctx) {
    if (claim.origin === 'build-log') return []
    const name = 'matches the build logs the lesson shows'
    const logged = loggedDurations(ctx.claims).get(claim.tool) ?? []
    if (logged.length === 0)
      return [blocked(name, `the lesson shows no build log with a ${claim.tool} install`)]
    const match = logged.find((d) =>
      claim.atLeast ? d.seconds >= claim.seconds : Math.abs(d.seconds - claim.seconds) < 0.05,
    )
    return [
      match
        ? pass(name, `the build log at line ${match.line} shows ${match.seconds} s`)
        : fail(
            name,
            `no ${claim.tool} install in the lesson's build logs took ${claim.atLeast ? 'at least ' : ''}${claim.seconds} s: ${listDurations(logged)}`,
            { expected: `${claim.seconds} s`, measured: listDurations(logged) },
          ),
    ]
  },

  measured: {
    // The durations are read from the real build's log: its steps must run, not come from the cache.
    needs: (claim, iterations) =>
      firstRunning(claim.tool, iterations.all).map((iteration) => ({
        kind: 'timing' as const,
        iteration,
      })),
    staticReason: () => TIMINGS_NOT_MEASURED,
    /** Never held as a number; the reason says what this run measured, for the author to see. */
    judge(claim, ctx) {
      const { steps, missing } = measuredSteps(ctx, claim.tool)
      const seen = steps.map((s) => `${s.tag} ${s.label}: ${s.seconds} s`).join('; ')
      return [
        blocked(
          MEASURED,
          `${TIMINGS_NOT_MEASURED}${seen ? `; this run measured ${seen}` : missing.length > 0 ? `; ${missing.join('; ')}` : ''}`,
        ),
      ]
    },
  },
})

export type Logged = { seconds: number; line: number }

/** Install durations the build logs among `claims` show, per tool ("uv", "pip"). */
export function loggedDurations(claims: AnyClaim[]): Map<string, Logged[]> {
  const map = new Map<string, Logged[]>()
  for (const c of claims) {
    if (!duration.is(c) || c.origin !== 'build-log') continue
    map.set(c.tool, [...(map.get(c.tool) ?? []), { seconds: c.seconds, line: c.source.line }])
  }
  return map
}

export const listDurations = (xs: Logged[]) => xs.map((d) => `${d.seconds} s (line ${d.line})`).join(', ')
