/** A speed-up: "uv is 10-100x faster than pip", "1.8 seconds vs pip's 8+ seconds". */
import { z } from 'zod'
import { listDurations, loggedDurations, VERSUS } from './duration.js'
import { blocked, type CheckContext, defineKind, fail, MEASURED, pass } from './kit/index.js'
import { proseItems, sentenceOf } from './readings/prose.js'
import { firstRunning, measuredSteps, median, TOOL_WORD } from './readings/timings.js'

const SPEEDUP = /(\d+(?:\.\d+)?)(?:\s*[-–]\s*(\d+(?:\.\d+)?))?\s*x\s+faster\s+than\s+([\w-]+)/gi

/** The build logs a speed-up is held to: its own document's, or for a summary card its lesson's. */
function logsFor(ctx: CheckContext, a: string, b: string) {
  const own = loggedDurations(ctx.claims)
  const lesson = ctx.doc.role === 'summary' ? ctx.lesson : undefined
  if ((own.get(a) && own.get(b)) || !lesson) return { logs: own, where: 'its build logs' }
  return { logs: loggedDurations(lesson.claims), where: "the lesson's build logs" }
}

export const speedup = defineKind({
  id: 'speedup',
  fields: {
    faster: z.string(),
    slower: z.string(),
    minFactor: z.number().positive(),
    maxFactor: z.number().positive().optional(),
  },

  extract(x, emit) {
    for (const { prose, here } of x.read(proseItems)) {
      const text = prose.text
      if (prose.kind === 'heading' || !/faster|\bvs\b/i.test(text)) continue
      for (const m of text.matchAll(SPEEDUP)) {
        const before = [...text.slice(0, m.index).matchAll(TOOL_WORD)].at(-1)?.[1]?.toLowerCase() ?? 'it'
        const min = Number(m[1])
        const max = m[2] === undefined ? undefined : Number(m[2])
        const slower = (m[3] ?? '').toLowerCase()
        emit({
          line: prose.line,
          title: `${before} is ${max === undefined ? min : `${min}-${max}`}x faster than ${slower}`,
          quote: sentenceOf(text, m.index ?? 0),
          subject: `${before} vs ${slower}`,
          ...x.about(here),
          faster: before,
          slower,
          minFactor: min,
          ...(max === undefined ? {} : { maxFactor: max }),
        })
      }
      for (const m of text.matchAll(VERSUS)) {
        const [, fast = '', fastS = '0', slow = '', slowS = '0', plus] = m
        const f = fast.toLowerCase()
        const s = slow.toLowerCase()
        emit({
          line: prose.line,
          title: `${f} installs faster than ${s} (${fastS} s vs ${slowS}${plus ?? ''} s)`,
          quote: sentenceOf(text, m.index ?? 0),
          subject: `${f} vs ${s}`,
          ...x.about(here),
          faster: f,
          slower: s,
          // "1.8 seconds vs 8+ seconds" says the one takes at least 8/1.8 times as long.
          minFactor: Math.round((Number(slowS) / Number(fastS)) * 100) / 100 || 1,
        })
      }
    }
  },

  /** A speed-up must be what the lesson's own build logs show for the same installs. */
  check(claim, ctx) {
    const name = "agrees with the lesson's own timings"
    const { logs, where } = logsFor(ctx, claim.faster, claim.slower)
    const fast = logs.get(claim.faster) ?? []
    const slow = logs.get(claim.slower) ?? []
    if (fast.length === 0 || slow.length === 0)
      return [blocked(name, `the lesson shows no build log timing both ${claim.faster} and ${claim.slower}`)]
    const best = Math.max(...slow.map((d) => d.seconds)) / Math.min(...fast.map((d) => d.seconds))
    const worst = Math.min(...slow.map((d) => d.seconds)) / Math.max(...fast.map((d) => d.seconds))
    const shown = `${where} show ${claim.faster} ${listDurations(fast)} against ${claim.slower} ${listDurations(slow)}: ${worst.toFixed(1)}x to ${best.toFixed(1)}x`
    // minFactor is rounded to two decimals: the stated times' own ratio may be up to 0.005 below it.
    return [
      best >= claim.minFactor - 0.005
        ? pass(name, shown)
        : fail(name, `${shown}, short of ${claim.minFactor}x`, {
            expected: `≥ ${claim.minFactor}x`,
            measured: `${best.toFixed(1)}x at most`,
          }),
    ]
  },

  measured: {
    // Both sides are timed in this run, from steps that ran (built with --no-cache).
    needs: (claim, iterations) =>
      [claim.faster, claim.slower].flatMap((tool) =>
        firstRunning(tool, iterations.all).map((iteration) => ({ kind: 'timing' as const, iteration })),
      ),
    /**
     * A ratio measured in this run: the median duration of the steps that run the slower tool over
     * the median of those that run the faster one. It holds when it reaches the stated factor less
     * the timing tolerance (a shared machine slows steps unevenly), and for a range, does not pass
     * its top by more than the tolerance.
     */
    judge(claim, ctx) {
      const fast = measuredSteps(ctx, claim.faster)
      const slow = measuredSteps(ctx, claim.slower)
      if (fast.steps.length === 0 || slow.steps.length === 0) {
        const why = [...fast.missing, ...slow.missing]
        return [
          blocked(
            MEASURED,
            `both sides must be timed in the same run, and ${fast.steps.length === 0 ? claim.faster : claim.slower} was not${why.length > 0 ? `: ${why.join('; ')}` : ': no iteration of the lesson runs it'}`,
          ),
        ]
      }
      const tolerance = ctx.settings.timing_tolerance_pct / 100
      const ratio =
        median(slow.steps.map((s) => s.seconds)) / Math.max(median(fast.steps.map((s) => s.seconds)), 0.05)
      const list = (xs: { tag: string; label: string; seconds: number }[]) =>
        xs.map((s) => `${s.seconds} s (${s.tag} ${s.label})`).join(', ')
      const shown = `${claim.slower} took ${list(slow.steps)} and ${claim.faster} ${list(fast.steps)} in this run: ${ratio.toFixed(1)}x`
      const stated =
        claim.maxFactor === undefined ? `${claim.minFactor}x` : `${claim.minFactor}-${claim.maxFactor}x`
      const low = claim.minFactor * (1 - tolerance)
      const high =
        claim.maxFactor === undefined ? Number.POSITIVE_INFINITY : claim.maxFactor * (1 + tolerance)
      const more = {
        expected: `${stated} (±${ctx.settings.timing_tolerance_pct}%)`,
        measured: `${ratio.toFixed(1)}x`,
      }
      if (ratio < low)
        return [fail(MEASURED, `${shown}, short of ${stated} by more than the timing tolerance`, more)]
      if (ratio > high)
        return [fail(MEASURED, `${shown}, beyond ${stated} by more than the timing tolerance`, more)]
      return [
        pass(MEASURED, `${shown} (stated ${stated}, within ±${ctx.settings.timing_tolerance_pct}%)`, more),
      ]
    },
  },
})
