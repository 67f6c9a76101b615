/** A range or target: "70-85%", "70%+", "under 150MB". */
import { z } from 'zod'
import { dockerSize, fmtPct, reductionPct, reductionRange } from '../model/index.js'
import { blocked, defineKind, fail, pass } from './kit/index.js'
import { sentenceNumbers } from './readings/prose.js'

export const target = defineKind({
  id: 'target',
  fields: {
    measure: z.enum(['reduction', 'size']),
    /** Lower bound (percent for reductions, bytes for sizes). */
    min: z.number().optional(),
    /** Upper bound. */
    max: z.number().optional(),
    /** The target as written. @example "70-85%" @example "under 200MB" */
    range: z.string(),
  },

  extract(x, emit) {
    const baseline = x.baseline
    for (const { item, target: here, transitions, ranges, unders } of x.read(sentenceNumbers)) {
      const line = item.prose.line
      for (const t of transitions) {
        if (!t.under || !here) continue
        emit({
          line,
          title: `${here.tag} is under ${t.to.text}`,
          quote: t.quote,
          ...x.about(here),
          measure: 'size',
          max: t.to.bytes + t.to.rounding,
          range: `under ${t.to.text}`,
        })
      }
      for (const r of ranges) {
        const named = /from\s+naive\s+to\s+([\w-]+)/i.exec(item.prose.text)?.[1]
        const to = (named ? x.iterations.matching(named) : undefined) ?? x.final
        if (!to || !baseline) continue
        const range = r.max === undefined ? `${r.min}%+` : `${r.min}-${r.max}%`
        emit({
          line,
          title: `${baseline.name} → ${to.name} reduction is ${range}`,
          quote: r.quote,
          subject: `${baseline.name} → ${to.name}`,
          ...x.about(to),
          measure: 'reduction',
          min: r.min - 0.5,
          ...(r.max === undefined ? {} : { max: r.max + 0.5 }),
          range,
        })
      }
      for (const u of unders) {
        const final = x.final
        if (!final) continue
        emit({
          line,
          title: `${final.tag} is under ${u.size.text}`,
          quote: u.quote,
          ...x.about(final),
          measure: 'size',
          max: u.size.bytes + u.size.rounding,
          range: `under ${u.size.text}`,
        })
      }
    }
  },

  check(claim, ctx) {
    const name = "holds for the lesson's own numbers"
    const it = ctx.iterations.of(claim)
    const base = ctx.iterations.first
    if (!it || !base) return [blocked(name, 'the lesson builds no iteration it could apply to')]
    const to = ctx.statedSizeAnywhere(it)
    if (!to) return [blocked(name, `the lesson states no size for ${it.tag}`)]
    if (claim.measure === 'size') {
      const max = claim.max ?? Number.POSITIVE_INFINITY
      const stated = `${it.tag} is ${to.size.text} (line ${to.line})`
      return [
        to.size.bytes <= max
          ? pass(name, `${stated}, under ${dockerSize(max)}`)
          : fail(name, `${stated}, not under ${dockerSize(max)}`, {
              expected: `< ${dockerSize(max)}`,
              measured: to.size.text,
            }),
      ]
    }
    const from = ctx.statedSizeAnywhere(base)
    if (!from) return [blocked(name, `the lesson states no size for ${base.tag}`)]
    const [lo, hi] = reductionRange(from.size, to.size)
    const value = reductionPct(from.size.bytes, to.size.bytes)
    const min = claim.min ?? Number.NEGATIVE_INFINITY
    const max = claim.max ?? Number.POSITIVE_INFINITY
    const basis = `${base.name} → ${it.name} is ${from.size.text} → ${to.size.text} (lines ${from.line} and ${to.line}): ${fmtPct(value)}`
    if (hi >= min && lo <= max) return [pass(name, `${basis}, within ${claim.range}`)]
    return [
      fail(name, `${basis}, ${value > max ? 'above' : 'below'} the ${claim.range} stated here`, {
        expected: claim.range,
        measured: fmtPct(value),
      }),
    ]
  },

  // Held to the lesson's own numbers; the measured sizes are held by the size claims themselves.
  measured: false,
})
