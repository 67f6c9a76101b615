/**
 * A claimed build log (a lesson's) held against a real one, step by step: which stages, which
 * steps in each and in what order, `[n/total]`, the instruction text, CACHED where the lesson
 * shows a rebuild, and the `(n/m) FINISHED` count. What changes from run to run is left out:
 * durations, digests, transfer sizes, `#N` vertex numbers, the order in which independent stages
 * ran and in which cached steps were found, and `[internal]` vertices. A FROM step is held by its image alone: the engine shows a FROM
 * shared by stages, or by a build running at the same time, under any of their labels.
 */

import { unifiedDiff } from './diff.js'
import { type BuildLog, type BuildStep, type Comparison, type Difference, stepLabel } from './model.js'
import { normalizeImage } from './steps.js'

export interface CompareOptions {
  /** Image the lesson names → image the build used instead (`--image-map`); FROM steps compare through it. */
  imageMap?: Record<string, string>
  /**
   * Steps the claimed log leaves out count as differences unless it marks an elision (`...`).
   * With this set they never do (a lesson that shows only the steps it talks about).
   * @default false
   */
  allowOmissions?: boolean
  /** Headings of the diff. @default { a: 'Expected', b: 'Received' } */
  labels?: { a?: string; b?: string }
}

/** Holds `claimed` against `real`. The diff is empty when they agree. */
export function compareBuildLogs(
  claimed: BuildLog,
  real: BuildLog,
  options: CompareOptions = {},
): Comparison {
  const differences: Difference[] = []
  if (claimed.builder !== real.builder) {
    differences.push({
      kind: 'builder',
      message: `the lesson shows a ${describe(claimed)} log, the build ran with the ${real.builder === 'classic' ? 'classic builder' : 'BuildKit'}: its steps are numbered differently`,
    })
    return { ok: false, differences, diff: unifiedDiff(render(claimed), render(real), options.labels) }
  }
  const same = (c: BuildStep, r: BuildStep) => sameInstruction(c, r, options.imageMap ?? {})
  const key = (s: Pick<BuildStep, 'stage' | 'index'>) => `${s.stage ?? ''}|${s.index}`
  const realAt = new Map<string, BuildStep>()
  const totals = new Map<string, Set<number>>()
  for (const r of real.steps) {
    if (!realAt.has(key(r))) realAt.set(key(r), r)
    const set = totals.get(r.stage ?? '') ?? new Set<number>()
    set.add(r.total)
    totals.set(r.stage ?? '', set)
  }

  const matched = new Map<BuildStep, BuildStep>()
  const faulty = new Set<BuildStep>()
  const used = new Set<BuildStep>()
  const last = new Map<string, number>()
  const totalsReported = new Set<string>()
  const add = (c: BuildStep | undefined, kind: Difference['kind'], message: string) => {
    differences.push(c ? { kind, line: c.line, message } : { kind, message })
    if (c) faulty.add(c)
  }
  for (const c of claimed.steps) {
    const stage = c.stage ?? ''
    const label = `${stepLabel(c)} ${c.instruction}`
    // BuildKit prints cached steps as it finds them, in any order: only steps that ran keep theirs.
    const before = last.get(stage)
    if (!c.cached) {
      if (before !== undefined && c.index <= before)
        add(c, 'order', `${label}: shown after step ${before} of ${stageName(c.stage)}`)
      last.set(stage, c.index)
    }

    let r = realAt.get(key(c))
    // A FROM that several stages share is one vertex, shown once under any of their labels.
    if (c.keyword === 'FROM' && !(r && r.keyword === 'FROM' && same(c, r)))
      r = real.steps.find((x) => x.keyword === 'FROM' && same(c, x)) ?? r
    const stageTotals = totals.get(stage)
    if (!stageTotals) {
      const elsewhere = real.steps.find((x) => same(c, x))
      add(
        c,
        'stage',
        `${label}: the build has no ${stageName(c.stage)}${elsewhere ? ` (it shows this step as ${stepLabel(elsewhere)})` : ''}`,
      )
      continue
    }
    if (!stageTotals.has(c.total)) {
      // Said once per stage; every step showing the wrong total is shown with the right one.
      if (!totalsReported.has(`${stage}|${c.total}`)) {
        totalsReported.add(`${stage}|${c.total}`)
        add(
          c,
          'numbering',
          `${label}: ${stageName(c.stage)} has ${[...stageTotals].join(' or ')} steps, not ${c.total}`,
        )
      } else faulty.add(c)
    }
    // The step is in its stage, at another place: a numbering slip, not another instruction.
    if (c.keyword !== 'FROM' && !(r && same(c, r))) {
      const moved = real.steps.find((x) => (x.stage ?? '') === stage && !used.has(x) && same(c, x))
      if (moved) {
        add(c, 'numbering', `${label}: the build runs it as ${stepLabel(moved)}`)
        r = moved
      }
    }
    if (!r) {
      const elsewhere = real.steps.find((x) => same(c, x))
      add(
        c,
        'unexpected-step',
        `${label}: the build has no step ${c.index} in ${stageName(c.stage)}${elsewhere ? ` (it ran this as ${stepLabel(elsewhere)})` : ''}`,
      )
      continue
    }
    matched.set(c, r)
    used.add(r)
    if (!same(c, r))
      add(c, 'instruction', `${stepLabel(c)} shows "${c.instruction}", the build ran "${r.instruction}"`)
    if (c.cached && !r.cached && c.keyword !== 'FROM')
      add(c, 'cached', `${label}: CACHED in the lesson, but the build ran it`)
  }
  const omissionsAllowed = options.allowOmissions === true || claimed.elisions.length > 0
  const missing = real.steps.filter(
    (r) =>
      !used.has(r) &&
      !(r.keyword === 'FROM' && claimed.steps.some((c) => c.keyword === 'FROM' && same(c, r))),
  )
  if (!omissionsAllowed)
    for (const r of missing)
      add(
        undefined,
        'missing-step',
        `the build ran ${stepLabel(r)} ${r.instruction}, which the lesson's log does not show`,
      )
  const cp = claimed.progress
  const rp = real.progress
  if (cp && rp && (cp.done !== rp.done || cp.total !== rp.total || cp.finished !== rp.finished))
    differences.push({
      kind: 'finished',
      message: `the lesson shows ${progressText(cp)}, the build ${progressText(rp)}`,
    })

  const claimedLines = render(claimed)
  const realLines = renderAgainst(claimed, real, {
    matched,
    faulty,
    missing: omissionsAllowed ? [] : missing,
    totals,
  })
  const ok = differences.length === 0
  return { ok, differences, diff: ok ? '' : unifiedDiff(claimedLines, realLines, options.labels) }
}

function describe(log: BuildLog): string {
  return log.builder === 'classic' ? 'classic builder' : 'BuildKit'
}

function stageName(stage: string | undefined): string {
  return stage ? `stage ${stage}` : 'the build'
}

function progressText(p: NonNullable<BuildLog['progress']>): string {
  return `(${p.done}/${p.total})${p.finished ? ' FINISHED' : ''}`
}

/** `sha256:` digests, durations and runs of spaces, which differ from run to run. */
function steady(text: string): string {
  return text
    .replace(/sha256:[0-9a-f]{6,64}/g, 'sha256:…')
    .replace(/\s+/g, ' ')
    .trim()
}

/** An image named in a FROM step, compared as one: registry and `library/` filled in, `:latest` when untagged. */
function imageKey(instruction: string, imageMap: Record<string, string>): string {
  const ref =
    instruction
      .replace(/^FROM\s+/i, '')
      .replace(/--platform=\S+\s+/, '')
      .replace(/\s+AS\s+\S+$/i, '')
      .split(/\s+/)[0] ?? ''
  const mapped = imageMap[ref] ?? ref
  const bare = normalizeImage(mapped.replace(/@sha256:[0-9a-f]+$/, ''))
  return (bare.split('/').at(-1) ?? '').includes(':') ? bare : `${bare}:latest`
}

function sameInstruction(c: BuildStep, r: BuildStep, imageMap: Record<string, string>): boolean {
  if (c.keyword === 'FROM' || r.keyword === 'FROM')
    return c.keyword === r.keyword && imageKey(c.instruction, imageMap) === imageKey(r.instruction, {})
  const a = steady(c.instruction)
  const b = steady(r.instruction)
  // A text cut short (`...`) is a prefix of the whole.
  if (c.truncated && r.truncated) return a.startsWith(b) || b.startsWith(a)
  if (c.truncated) return b.startsWith(a)
  if (r.truncated) return a.startsWith(b)
  return a === b
}

function stepLine(log: BuildLog, step: BuildStep, label = stepLabel(step), text = step.instruction): string {
  const shown = `${steady(text)}${step.truncated ? '...' : ''}`
  if (log.builder === 'classic')
    return `Step ${step.index}/${step.total} : ${shown}${step.cached ? ' (cached)' : ''}`
  const flag = step.status === 'error' ? 'ERROR ' : step.cached ? 'CACHED ' : ''
  return `=> ${flag}${label} ${shown}`
}

function header(log: BuildLog): string[] {
  return log.progress ? [`[+] Building ${progressText(log.progress)}`] : []
}

/** A log's steps and elisions in its own order, volatile parts left out. */
function render(log: BuildLog): string[] {
  const items: { line: number; text: string }[] = [
    ...log.steps.map((s) => ({ line: s.line, text: stepLine(log, s) })),
    ...log.elisions.map((line) => ({ line, text: '...' })),
  ]
  return [...header(log), ...items.sort((a, b) => a.line - b.line).map((i) => i.text)]
}

/**
 * The real log in the claimed log's order, each step that agrees written exactly as the claimed
 * one, so the diff shows only what differs; steps it left out go after their stage's previous step.
 */
function renderAgainst(
  claimed: BuildLog,
  real: BuildLog,
  found: {
    matched: Map<BuildStep, BuildStep>
    faulty: Set<BuildStep>
    missing: BuildStep[]
    totals: Map<string, Set<number>>
  },
): string[] {
  const lines: { text: string; step?: BuildStep }[] = []
  const items: { line: number; step?: BuildStep }[] = [
    ...claimed.steps.map((step) => ({ line: step.line, step })),
    ...claimed.elisions.map((line) => ({ line })),
  ].sort((a, b) => a.line - b.line)
  const shown = new Set<BuildStep>()
  for (const item of items) {
    if (!item.step) {
      lines.push({ text: '...' })
      continue
    }
    const c = item.step
    const r = found.matched.get(c)
    if (!r || shown.has(r)) continue
    shown.add(r)
    // Where the stage's next steps go: under the claimed label, also for a FROM shown under another.
    const place = r.stage === c.stage ? r : { ...r, stage: c.stage, index: c.index }
    if (!found.faulty.has(c)) {
      lines.push({ text: stepLine(claimed, c), step: place })
      continue
    }
    const total = r.stage === c.stage ? r.total : ([...(found.totals.get(c.stage ?? '') ?? [])][0] ?? r.total)
    const label = stepLabel({ ...r, stage: c.stage, index: r.stage === c.stage ? r.index : c.index, total })
    const step = { ...r, cached: c.cached && r.cached, truncated: false }
    lines.push({ text: stepLine(real, step, label), step: place })
  }
  for (const r of found.missing) {
    let at = -1
    lines.forEach((l, i) => {
      if (l.step && (l.step.stage ?? '') === (r.stage ?? '') && l.step.index < r.index) at = i
    })
    const entry = { text: stepLine(real, { ...r, cached: false }), step: r }
    if (at >= 0) lines.splice(at + 1, 0, entry)
    else lines.push(entry)
  }
  const head = claimed.progress ? (real.progress ? header(real) : ['[+] Building (no count)']) : []
  return [...head, ...lines.map((l) => l.text)]
}
