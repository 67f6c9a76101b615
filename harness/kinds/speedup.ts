/** A speed-up: "uv is 10-100x faster than pip", "1.8 seconds vs pip's 8+ seconds". */
import { z } from 'zod'
import { listDurations, loggedDurations, VERSUS } from './duration.js'
import { blocked, type CheckContext, defineKind, fail, MEASURED, pass } from './kit/index.js'
import { proseItems, sentenceOf } from './readings/prose.js'

const SPEEDUP = /(\d+(?:\.\d+)?)(?:\s*[-–]\s*(\d+(?:\.\d+)?))?\s*x\s+faster\s+than\s+([\w-]+)/gi
const TOOL = /\b(uv|pip|poetry|pdm|conda|npm|pnpm|yarn|bun)\b/gi

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
        const before = [...text.slice(0, m.index).matchAll(TOOL)].at(-1)?.[1]?.toLowerCase() ?? 'it'
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
          minFactor: 1,
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
    return [
      best >= claim.minFactor
        ? pass(name, shown)
        : fail(name, `${shown}, short of ${claim.minFactor}x`, {
            expected: `≥ ${claim.minFactor}x`,
            measured: `${best.toFixed(1)}x at most`,
          }),
    ]
  },

  measured: {
    judge: () => [
      blocked(
        MEASURED,
        'lessonproof does not time individual build steps, so the order of two installs is not measured',
      ),
    ],
  },
})
