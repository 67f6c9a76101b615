/** A range or target: "70-85%", "70%+", "under 150MB". */
import { z } from 'zod'
import { dockerSize, fmtPct, reductionPct, reductionRange, SizeRef } from '../model/index.js'
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
    /** The size the statement itself says meets the target ("185MB (under your 200MB target)"). */
    stated: SizeRef.optional(),
  },

  extract(x, emit) {
    const baseline = x.baseline
    for (const { item, transitions, ranges, unders, within } of x.read(sentenceNumbers)) {
      for (const t of transitions) {
        if (!t.under || t.toSubject?.kind !== 'iteration') continue
        const here = t.toSubject.it
        emit({
          line: t.line,
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
          line: r.line,
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
          line: u.line,
          title: `${final.tag} is under ${u.size.text}`,
          quote: u.quote,
          ...x.about(final),
          measure: 'size',
          max: u.size.bytes + u.size.rounding,
          range: `under ${u.size.text}`,
        })
      }
      // "Image size: 185MB (under your 200MB target)": the size it meets is written beside it.
      for (const w of within) {
        emit({
          line: w.line,
          title: `${w.size.text} is under the ${w.target.text} target`,
          quote: w.quote,
          subject: `${w.size.text} under ${w.target.text}`,
          measure: 'size',
          max: w.target.bytes + w.target.rounding,
          range: `under ${w.target.text}`,
          stated: { line: w.line, size: w.size },
        })
      }
    }
  },

  check(claim, ctx) {
    const name = "holds for the lesson's own numbers"
    if (claim.stated) {
      const max = claim.max ?? Number.POSITIVE_INFINITY
      const size = claim.stated.size
      return [
        size.bytes - size.rounding <= max
          ? pass(name, `${size.text} is under ${dockerSize(max)}`)
          : fail(name, `${size.text} is not under ${dockerSize(max)}`, {
              expected: `< ${dockerSize(max)}`,
              measured: size.text,
            }),
      ]
    }
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
