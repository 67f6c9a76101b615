/**
 * The edit that would make a lesson's numbers true again after its base images moved: every
 * statement of a rebuilt iteration's size that no longer holds (and the exact ones beside it, so
 * the lesson keeps agreeing with itself), the base image sizes it states, and every reduction
 * computed from a size that changed, recomputed from the new stated sizes so that the static
 * check agrees too. Each number is written in the format of its place (harness/patch). A target
 * ("under 150MB") is the author's goal, not a measurement: it gets no edit, only a note.
 */
import type { Claim } from '../kinds/index.js'
import { type Iterations, versionKey } from '../kinds/kit/index.js'
import { parseSize, type Size, type Verdict } from '../model/index.js'
import { formatReductionLike, formatSizeLike, type SpanEdit } from '../patch/index.js'

export interface SuggestInput {
  /** The document's text, as on disk. */
  text: string
  claims: { claim: Claim; verdict: Verdict }[]
  iterations: Iterations
  /** Bytes measured now, by the index of each rebuilt iteration. */
  measured: ReadonlyMap<number, number>
  /** Rebuilt iterations that could not be measured (their build failed): no number is derived from them. */
  unmeasured?: ReadonlySet<number>
  /** Bytes measured now of each base image that moved, by reference as the lesson writes it. */
  baseSizes: ReadonlyMap<string, number>
}

export interface Suggestion {
  edits: SpanEdit[]
  /** Failing claims the edits leave as they are, and why. */
  notes: string[]
}

type SizeClaim = Claim & { kind: 'image-size'; size: Size; origin: string }
type ReductionClaim = Claim & {
  kind: 'reduction'
  percent: { text: string }
  from: string
  to: string
  fromSize?: { line: number; size: Size }
  toSize?: { line: number; size: Size }
}
type BaseSizeClaim = Claim & { kind: 'base-image-size'; baseImage: string; size: Size }

export function suggestEdits(input: SuggestInput): Suggestion {
  const lines = input.text.split(/\r?\n/)
  const edits = new Map<string, SpanEdit>()
  const notes: string[] = []
  /** The new text of a size statement, by claim: what the reductions are recomputed from. */
  const restated = new Map<Claim, string>()

  const place = (claim: Claim, old: string, replacement: string): boolean => {
    if (old === replacement) return false
    const line = claim.source.line
    const column = columnOf(lines[line - 1] ?? '', old, claim.quote)
    if (column === null) {
      notes.push(`${line}: ${claim.title}: "${old}" cannot be told apart on its line; no edit suggested`)
      return false
    }
    const key = `${line}:${column ?? old}`
    const earlier = edits.get(key)
    if (earlier && earlier.new !== replacement) {
      notes.push(`${line}: ${claim.title}: two edits of "${old}" disagree (${earlier.new}, ${replacement})`)
      return false
    }
    edits.set(key, { line, old, new: replacement, ...(column === undefined ? {} : { column }) })
    return true
  }

  // Sizes of rebuilt iterations.
  const sizeClaims = input.claims.filter(({ claim }) => claim.kind === 'image-size') as {
    claim: SizeClaim
    verdict: Verdict
  }[]
  for (const [index, bytes] of input.measured) {
    const it = input.iterations.all.find((i) => i.index === index)
    if (!it) continue
    const key = versionKey(it)
    const mine = sizeClaims.filter(
      ({ claim }) =>
        claim.dockerfile !== undefined &&
        versionKey({ dockerfile: claim.dockerfile, name: claim.image ?? '' }) === key,
    )
    if (!mine.some(({ verdict }) => verdict.status === 'fail')) continue
    for (const { claim, verdict } of mine) {
      if (claim.size.approx && verdict.status !== 'fail') continue
      const replacement = formatSizeLike(bytes, claim.size.text)
      if (place(claim, claim.size.text, replacement) || replacement === claim.size.text)
        restated.set(claim, replacement)
    }
  }

  // Base images the lesson states sizes of.
  for (const { claim, verdict } of input.claims) {
    if (claim.kind !== 'base-image-size' || verdict.status !== 'fail') continue
    const c = claim as BaseSizeClaim
    const bytes = input.baseSizes.get(c.baseImage)
    if (bytes !== undefined) place(c, c.size.text, formatSizeLike(bytes, c.size.text))
  }

  // Reductions, from the sizes as the lesson will state them.
  const statedNow = (claim: SizeClaim): number => {
    const text = restated.get(claim)
    return (text === undefined ? undefined : parseSize(text)?.bytes) ?? claim.size.bytes
  }
  const stated = (name: string, at: { line: number; size: Size } | undefined): number | undefined => {
    if (at) {
      const here = sizeClaims.find(
        ({ claim }) => claim.source.line === at.line && claim.size.text === at.size.text,
      )
      return here ? statedNow(here.claim) : at.size.bytes
    }
    const it = input.iterations.named(name)
    if (!it) return undefined
    const key = versionKey(it)
    const sizes = sizeClaims
      .map(({ claim }) => claim)
      .filter(
        (c) =>
          c.dockerfile !== undefined && versionKey({ dockerfile: c.dockerfile, name: c.image ?? '' }) === key,
      )
    // The statement the reduction check reads: as CheckContext.statedSize picks it.
    const pick =
      sizes.find((c) => c.origin === 'docker-images') ?? sizes.find((c) => !c.size.approx) ?? sizes[0]
    return pick ? statedNow(pick) : undefined
  }
  for (const { claim } of input.claims) {
    if (claim.kind !== 'reduction') continue
    const c = claim as ReductionClaim
    const missing = [c.from, c.to].find((name) => {
      const it = input.iterations.named(name)
      return it !== undefined && input.unmeasured?.has(it.index)
    })
    if (missing) {
      notes.push(`${c.source.line}: ${c.title}: ${missing} was not measured again, so it is not recomputed`)
      continue
    }
    const from = stated(c.from, c.fromSize)
    const to = stated(c.to, c.toSize)
    if (from === undefined || to === undefined || from <= 0) continue
    place(c, c.percent.text, formatReductionLike(from, to, c.percent.text))
  }

  for (const { claim, verdict } of input.claims) {
    if (verdict.status === 'fail' && claim.kind === 'target') {
      notes.push(
        `${claim.source.line}: ${claim.title}: a target is the author's goal; lessonproof suggests no edit for it`,
      )
    }
  }
  return {
    edits: [...edits.values()].sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0)),
    notes,
  }
}

/**
 * Where `old` is on the line: `undefined` when it occurs once (no column needed), its 1-based
 * column when the claim's quote tells which occurrence it is, `null` when nothing does.
 */
function columnOf(line: string, old: string, quote: string): number | undefined | null {
  const first = line.indexOf(old)
  if (first < 0) return null
  if (line.indexOf(old, first + 1) < 0) return undefined
  const at = line.indexOf(quote)
  const within = at < 0 ? -1 : quote.indexOf(old)
  if (within < 0 || quote.indexOf(old, within + 1) >= 0) return null
  return at + within + 1
}
