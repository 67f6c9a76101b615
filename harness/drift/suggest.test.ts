import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CheckContext, checkClaim } from '../checks/index.js'
import { extractClaims } from '../claims/index.js'
import { Iterations } from '../kinds/kit/index.js'
import type { Verdict } from '../model/index.js'
import { parseDocument } from '../parse/index.js'
import { applyEdits } from '../patch/index.js'
import { resolveSettings } from '../settings/index.js'
import { suggestEdits } from './suggest.js'

const PATH = 'fixtures/drift/lab-base/lesson.md'
const text = readFileSync(PATH, 'utf8')
const doc = parseDocument(PATH, text)
const claims = extractClaims(doc)
const iterations = new Iterations(doc.iterations)
const index = (tag: string) => iterations.byTag(tag)?.index ?? -1
const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1

/** The claims after the base grew by 40 MB: every statement of naive's, slim's and the base's size fails. */
function verdicts(failing: (claim: (typeof claims)[number]) => boolean) {
  return claims.map((claim) => {
    const verdict: Verdict = failing(claim)
      ? { status: 'fail', reason: 'measured beyond the tolerance', checks: [] }
      : { status: 'pass', reason: 'holds', checks: [] }
    return { claim, verdict }
  })
}
const moved = (c: (typeof claims)[number]) =>
  (c.kind === 'image-size' && (c.image === 'hello:naive' || c.image === 'hello:slim')) ||
  c.kind === 'base-image-size'

/** The fixture's iterations rebuilt on the base 40 MB bigger, as measured here (see fixtures/drift/lab-base/README.md). */
const NOW = new Map([
  [index('hello:naive'), 223_624_970],
  [index('hello:slim'), 114_823_096],
])
const BASES = new Map([['127.0.0.1:5000/lab/base:stable', 114_822_242]])

describe('suggestEdits', () => {
  it("restates every size of the rebuilt iterations in its place's format, and recomputes the reductions", () => {
    const { edits, notes } = suggestEdits({
      text,
      claims: verdicts(moved),
      iterations,
      measured: NOW,
      baseSizes: BASES,
    })
    expect(notes).toEqual([])
    expect(edits.map((e) => [e.line, e.old, e.new])).toEqual([
      [lineOf('| `127.0.0.1:5000/lab/base:stable` |'), '74.8MB', '115MB'],
      [lineOf('Iteration 0: Install Perl'), '~184MB', '~224MB'],
      [lineOf('hello        naive'), '184MB', '224MB'],
      [lineOf('Iteration 1: Use What'), '~74.8MB', '~114.8MB'],
      [lineOf('hello        slim'), '74.8MB', '115MB'],
      [lineOf('| Naive | 184MB |'), '184MB', '224MB'],
      [lineOf('| Slim | 74.8MB | 59% |'), '74.8MB', '115MB'],
      [lineOf('| Slim | 74.8MB | 59% |'), '59%', '49%'],
      [lineOf('Progress: 59% reduction'), '59%', '49%'],
      [lineOf('slim      74.8MB'), '74.8MB', '115MB'],
      [lineOf('naive     184MB'), '184MB', '224MB'],
    ])
  })

  it('leaves a text whose static checks all hold again', () => {
    const { edits } = suggestEdits({
      text,
      claims: verdicts(moved),
      iterations,
      measured: NOW,
      baseSizes: BASES,
    })
    const patched = parseDocument(PATH, applyEdits(text, edits, PATH))
    const again = extractClaims(patched)
    const ctx = new CheckContext(
      patched,
      again,
      { lesson: patched, docs: [{ doc: patched, claims: again }] },
      resolveSettings({}, {}).values,
    )
    const failing = again.map((c) => ({ c, v: checkClaim(c, ctx) })).filter(({ v }) => v.status === 'fail')
    expect(failing.map(({ c, v }) => `${c.source.line} ${c.title}: ${v.reason}`)).toEqual([])
    expect(again.length).toBe(claims.length)
  })

  it('derives no reduction from an iteration that was built again but not measured', () => {
    const { edits, notes } = suggestEdits({
      text,
      claims: verdicts(moved),
      iterations,
      measured: new Map([[index('hello:slim'), 114_823_096]]),
      unmeasured: new Set([index('hello:naive')]),
      baseSizes: BASES,
    })
    expect(edits.some((e) => e.old === '59%' || e.old === '184MB')).toBe(false)
    expect(notes).toEqual([
      `${lineOf('| Slim | 74.8MB | 59% |')}: naive → slim reduction is 59% (comparison table): naive was not measured again, so it is not recomputed`,
      `${lineOf('Progress: 59% reduction')}: naive → slim reduction is 59% (prose): naive was not measured again, so it is not recomputed`,
    ])
  })

  it('suggests nothing while every statement still holds, and no edit for a target', () => {
    expect(
      suggestEdits({ text, claims: verdicts(() => false), iterations, measured: NOW, baseSizes: BASES })
        .edits,
    ).toEqual([])
    const target = {
      ...claims[0],
      kind: 'target',
      title: 'slim is under 80MB',
    } as unknown as (typeof claims)[number]
    const { notes } = suggestEdits({
      text,
      claims: [{ claim: target, verdict: { status: 'fail', reason: 'no', checks: [] } }],
      iterations,
      measured: new Map(),
      baseSizes: new Map(),
    })
    expect(notes).toEqual([
      `${target.source.line}: slim is under 80MB: a target is the author's goal; lessonproof suggests no edit for it`,
    ])
  })
})
