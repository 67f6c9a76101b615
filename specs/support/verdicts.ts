/** The reviewed verdicts of a fixture lesson (its expected.json), held as tests. */
import { expect, it } from 'vitest'
import type { Status } from '../../harness/model/index.js'

/** A claim's reviewed verdict, and the part of its reason the review holds to. */
export type Expected = Record<string, { verdict: Status; reason?: string }>

interface Verified {
  claims: { name: string; verdict: { status: Status; reason: string } }[]
}

/**
 * One test that the document has exactly the claims `expected` lists, and one per claim for its
 * verdict (and reason). `docOf` is read when the tests run, after the run they check.
 */
export function itGivesReviewedVerdicts(
  path: string,
  expected: Expected,
  docOf: () => Verified | undefined,
): void {
  it(`${path} has exactly the claims expected.json lists`, () => {
    expect(
      docOf()
        ?.claims.map((c) => c.name.slice(path.length + 1))
        .sort(),
    ).toEqual(Object.keys(expected).sort())
  })
  for (const [key, want] of Object.entries(expected)) {
    it(`${path}:${key}`, () => {
      const claim = docOf()?.claims.find((c) => c.name === `${path}:${key}`)
      expect(claim, `no claim ${key}`).toBeDefined()
      expect(claim?.verdict.status, claim?.verdict.reason).toBe(want.verdict)
      if (want.reason) expect(claim?.verdict.reason).toContain(want.reason)
    })
  }
}
