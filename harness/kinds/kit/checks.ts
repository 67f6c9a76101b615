import type { Check } from '../../model/index.js'

type Extra = Pick<Check, 'expected' | 'measured'>

function extra(more: Partial<Extra> | undefined): Partial<Extra> {
  const out: Partial<Extra> = {}
  if (more?.expected !== undefined) out.expected = more.expected
  if (more?.measured !== undefined) out.measured = more.measured
  return out
}

export const pass = (name: string, reason: string, more?: Partial<Extra>): Check => ({
  name,
  status: 'pass',
  reason,
  ...extra(more),
})

export const fail = (name: string, reason: string, more?: Partial<Extra>): Check => ({
  name,
  status: 'fail',
  reason,
  ...extra(more),
})

export const blocked = (name: string, reason: string): Check => ({ name, status: 'blocked', reason })

/** The same checks, each reason prefixed (which iteration or side of a comparison it is about). */
export function about(prefix: string, checks: Check[]): Check[] {
  return checks.map((c) => ({ ...c, reason: `${prefix}: ${c.reason}` }))
}
