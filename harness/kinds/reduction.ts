/** "62% reduction", a Reduction column, "1.21GB reduced to 115MB (90.5% reduction)". */
import { z } from 'zod'
import { dockerSize, fmtPct, Percent, reductionPct, reductionRange, SizeRef } from '../model/index.js'
import {
  about,
  blocked,
  type CheckContext,
  defineKind,
  fail,
  MEASURED,
  pass,
  type StatedSize,
} from './kit/index.js'
import { sentenceNumbers } from './readings/prose.js'
import { comparisonTables } from './readings/tables.js'

/** The stated sizes a reduction derives from: the ones written where it is made, else each iteration's. */
export function statedPair(
  ctx: CheckContext,
  fromName: string,
  toName: string,
  given: { fromSize?: SizeRef | undefined; toSize?: SizeRef | undefined },
): { from: StatedSize | undefined; to: StatedSize | undefined } {
  const sized = (name: string, fixed: SizeRef | undefined) => {
    if (fixed) return { ...fixed, file: ctx.doc.path }
    const it = ctx.iterations.named(name)
    return it ? ctx.statedSizeAnywhere(it) : undefined
  }
  return { from: sized(fromName, given.fromSize), to: sized(toName, given.toSize) }
}

export const reduction = defineKind({
  id: 'reduction',
  fields: {
    percent: Percent,
    /** Name of the baseline version. @example "naive" */
    from: z.string(),
    /** Name of the reduced version. @example "slim" */
    to: z.string(),
    /** The baseline size the document states where the reduction is made. */
    fromSize: SizeRef.optional(),
    toSize: SizeRef.optional(),
  },

  extract(x, emit) {
    for (const { rows, base } of x.read(comparisonTables)) {
      for (const r of rows) {
        if (!r.percent || !base || r === base) continue
        const from = base.it?.name ?? base.label
        const to = r.it?.name ?? r.label
        emit({
          line: r.line,
          title: `${from} → ${to} reduction is ${r.percent.text} (comparison table)`,
          quote: r.quote,
          subject: `${from} → ${to}`,
          ...x.about(r.it),
          percent: r.percent,
          from,
          to,
          ...(base.size ? { fromSize: { line: base.line, size: base.size } } : {}),
          ...(r.size ? { toSize: { line: r.line, size: r.size } } : {}),
        })
      }
    }
    const baseline = x.baseline
    for (const { item, target, transitions, reductions } of x.read(sentenceNumbers)) {
      if (!baseline || !target) continue
      const line = item.prose.line
      const common = {
        line,
        subject: `${baseline.name} → ${target.name}`,
        ...x.about(target),
        from: baseline.name,
        to: target.name,
      }
      for (const t of transitions) {
        if (!t.reduction) continue
        emit({
          ...common,
          title: `${baseline.name} → ${target.name} reduction is ${t.reduction.percent.text} (prose)`,
          quote: t.reduction.quote,
          percent: t.reduction.percent,
          fromSize: { line, size: t.from },
          toSize: { line, size: t.to },
        })
      }
      for (const r of reductions) {
        emit({
          ...common,
          title: `${baseline.name} → ${target.name} reduction is ${r.percent.text} (prose)`,
          quote: r.quote,
          percent: r.percent,
        })
      }
    }
  },

  check(claim, ctx) {
    const name = 'agrees with the sizes it derives from'
    const { from, to } = statedPair(ctx, claim.from, claim.to, claim)
    if (!from || !to) return [blocked(name, `the lesson states no size for ${from ? claim.to : claim.from}`)]
    const [lo, hi] = reductionRange(from.size, to.size)
    const p = claim.percent
    const exact = reductionPct(from.size.bytes, to.size.bytes)
    const basis = `${from.size.text} → ${to.size.text} (lines ${from.line} and ${to.line}) is ${fmtPct(exact, 2)}`
    const holds = p.value + p.rounding >= lo && p.value - p.rounding <= hi
    const more = { expected: p.text, measured: fmtPct(exact, 2) }
    return [
      holds
        ? pass(name, `${basis}, which rounds to ${p.text}`, more)
        : fail(name, `${basis}, not ${p.text}`, more),
    ]
  },

  measured: {
    // A reduction holds on the lesson's own numbers without a build; with one it must hold for the images too.
    inStatic: 'skip',
    judge(claim, ctx) {
      const from = ctx.measuredImage(ctx.iterations.named(claim.from))
      if (Array.isArray(from)) return about(claim.from, from)
      const to = ctx.measuredImage(ctx.iterations.named(claim.to))
      if (Array.isArray(to)) return about(claim.to, to)
      return [
        judgeMeasured(claim.percent, from.image.size, to.image.size, ctx.settings.reduction_tolerance_pts),
      ]
    },
  },
})

/** A stated reduction against two measured sizes, within a tolerance in percentage points. */
export function judgeMeasured(percent: Percent, a: number, b: number, tol: number) {
  const measured = reductionPct(a, b)
  const diff = Math.abs(measured - percent.value)
  const basis = `measured ${dockerSize(a)} → ${dockerSize(b)}: ${fmtPct(measured)}`
  const more = { expected: percent.text, measured: fmtPct(measured) }
  return diff <= tol
    ? pass(MEASURED, `${basis}, within ±${tol} points of ${percent.text}`, more)
    : fail(MEASURED, `${basis}, ${diff.toFixed(1)} points from ${percent.text} (tolerance ±${tol})`, more)
}
