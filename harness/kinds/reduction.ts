/** "62% reduction", a Reduction column, "1.21GB reduced to 115MB (90.5% reduction)". */
import { z } from 'zod'
import {
  dockerSize,
  fmtPct,
  Percent,
  reductionPct,
  reductionRange,
  type Size,
  SizeRef,
} from '../model/index.js'
import {
  about,
  blocked,
  type CheckContext,
  defineKind,
  fail,
  MEASURED,
  nameOfImage,
  pass,
  type StatedSize,
} from './kit/index.js'
import { type SizeSubject, sentenceNumbers, subjectFields } from './readings/prose.js'
import { comparisonTables } from './readings/tables.js'

/** The stated sizes a reduction derives from: the ones written where it is made, else each iteration's. */
export function statedPair(
  ctx: CheckContext,
  fromName: string,
  toName: string,
  given: { fromSize?: SizeRef | undefined; toSize?: SizeRef | undefined },
): { from: StatedSize | undefined; to: StatedSize | undefined } {
  const sized = (name: string, fixed: SizeRef | undefined): StatedSize | undefined => {
    if (fixed) return { ...fixed, file: ctx.doc.path }
    const it = ctx.iterations.named(name)
    if (it) return ctx.statedSizeAnywhere(it)
    // An image the document names but does not build, or a Dockerfile version: its own statements.
    const own = ctx.claims.find(
      (c): c is typeof c & { size: Size } =>
        c.kind === 'image-size' &&
        c.subject !== '' &&
        (c.subject === name || nameOfImage(c.image ?? '') === name),
    )
    return own ? { line: own.source.line, size: own.size, file: own.source.file } : undefined
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
    for (const { item, transitions, reductions } of x.read(sentenceNumbers)) {
      const about = (line: number, from: SizeSubject | undefined, to: SizeSubject) => {
        const f = from ? subjectFields(from).name : 'the image before'
        const t = subjectFields(to)
        return {
          line,
          subject: `${f} → ${t.name}`,
          ...(to.kind === 'iteration' ? x.about(to.it) : {}),
          from: f,
          to: t.name,
        }
      }
      const how = item.output ? 'output' : 'prose'
      for (const t of transitions) {
        if (!t.reduction || !t.toSubject) continue
        const common = about(t.line, t.fromSubject, t.toSubject)
        const line = t.line
        emit({
          ...common,
          title: `${common.from} → ${common.to} reduction is ${t.reduction.percent.text} (${how})`,
          quote: t.reduction.quote,
          percent: t.reduction.percent,
          fromSize: { line, size: t.from },
          toSize: { line, size: t.to },
        })
      }
      for (const r of reductions) {
        const common = about(r.line, r.from, r.to)
        const line = r.line
        emit({
          ...common,
          title: `${common.from} → ${common.to} reduction is ${r.percent.text} (${how})`,
          quote: r.quote,
          percent: r.percent,
          ...(r.fromSize ? { fromSize: { line, size: r.fromSize } } : {}),
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
