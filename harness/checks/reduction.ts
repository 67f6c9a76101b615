import { dockerSize, fmtPct } from '../claims/index.js'
import type { Check, ClaimOf, Size } from '../model/index.js'
import type { CheckContext } from './context.js'

/** The reduction range two written sizes allow: 1 − to/from over their rounding intervals. */
export function reductionRange(from: Size, to: Size): [number, number] {
  const fromLo = from.bytes - from.rounding
  const fromHi = from.bytes + from.rounding
  const toLo = Math.max(0, to.bytes - to.rounding)
  const toHi = to.bytes + to.rounding
  return [(1 - toHi / fromLo) * 100, (1 - toLo / fromHi) * 100]
}

function reduction(from: Size, to: Size): number {
  return (1 - to.bytes / from.bytes) * 100
}

function sizesOf(
  ctx: CheckContext,
  fromName: string,
  toName: string,
  given: {
    fromSize?: { line: number; size: Size } | undefined
    toSize?: { line: number; size: Size } | undefined
  },
) {
  const sized = (name: string, fixed: { line: number; size: Size } | undefined) => {
    if (fixed) return { ...fixed, file: ctx.doc.path }
    const it = ctx.iterationNamed(name)
    return it ? ctx.statedSizeAnywhere(it) : undefined
  }
  return { from: sized(fromName, given.fromSize), to: sized(toName, given.toSize) }
}

export function reductionChecks(claim: ClaimOf<'reduction'>, ctx: CheckContext): Check[] {
  const name = 'agrees with the sizes it derives from'
  const { from, to } = sizesOf(ctx, claim.from, claim.to, claim)
  if (!from || !to) {
    return [
      { name, status: 'blocked', reason: `the lesson states no size for ${from ? claim.to : claim.from}` },
    ]
  }
  const [lo, hi] = reductionRange(from.size, to.size)
  const p = claim.percent
  const exact = reduction(from.size, to.size)
  const basis = `${from.size.text} → ${to.size.text} (lines ${from.line} and ${to.line}) is ${fmtPct(exact, 2)}`
  const holds = p.value + p.rounding >= lo && p.value - p.rounding <= hi
  return [
    holds
      ? {
          name,
          status: 'pass',
          reason: `${basis}, which rounds to ${p.text}`,
          expected: p.text,
          measured: fmtPct(exact, 2),
        }
      : {
          name,
          status: 'fail',
          reason: `${basis}, not ${p.text}`,
          expected: p.text,
          measured: fmtPct(exact, 2),
        },
  ]
}

export function targetChecks(claim: ClaimOf<'target'>, ctx: CheckContext): Check[] {
  const name = "holds for the lesson's own numbers"
  const it = ctx.iterationOf(claim)
  const base = ctx.iterations[0]
  if (!it || !base)
    return [{ name, status: 'blocked', reason: 'the lesson builds no iteration it could apply to' }]
  const to = ctx.statedSizeAnywhere(it)
  if (!to) return [{ name, status: 'blocked', reason: `the lesson states no size for ${it.tag}` }]
  const range = /(\d[\d.]*%?\+?(?:[-–]\d[\d.]*%)?|under \S+)$/.exec(claim.title)?.[1] ?? claim.title
  if (claim.measure === 'size') {
    const max = claim.max ?? Number.POSITIVE_INFINITY
    return [
      to.size.bytes <= max
        ? {
            name,
            status: 'pass',
            reason: `${it.tag} is ${to.size.text} (line ${to.line}), under ${dockerSize(max)}`,
          }
        : {
            name,
            status: 'fail',
            reason: `${it.tag} is ${to.size.text} (line ${to.line}), not under ${dockerSize(max)}`,
            expected: `< ${dockerSize(max)}`,
            measured: to.size.text,
          },
    ]
  }
  const from = ctx.statedSizeAnywhere(base)
  if (!from) return [{ name, status: 'blocked', reason: `the lesson states no size for ${base.tag}` }]
  const [lo, hi] = reductionRange(from.size, to.size)
  const value = reduction(from.size, to.size)
  const min = claim.min ?? Number.NEGATIVE_INFINITY
  const max = claim.max ?? Number.POSITIVE_INFINITY
  const basis = `${base.name} → ${it.name} is ${from.size.text} → ${to.size.text} (lines ${from.line} and ${to.line}): ${fmtPct(value)}`
  if (hi >= min && lo <= max) return [{ name, status: 'pass', reason: `${basis}, within ${range}` }]
  return [
    {
      name,
      status: 'fail',
      reason: `${basis}, ${value > max ? 'above' : 'below'} the ${range} stated here`,
      expected: range,
      measured: fmtPct(value),
    },
  ]
}
