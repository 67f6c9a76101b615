/**
 * One test per claim of the course's lessons, named `<lesson path>:<line> <claim>`.
 * Claims found false are in the reviewed ledger: their tests pass only while they still fail.
 * Blocked claims are skipped with their reason.
 */
import { expect, it } from 'vitest'
import { DEFAULT_LEDGER, loadLedger } from '../harness/ledger/index.js'
import { verify } from '../harness/verify/index.js'

const ledger = await loadLedger(DEFAULT_LEDGER, false)
const reasons = new Map(ledger.map((e) => [e.claim, e.reason]))
const { documents } = await verify({ paths: ['lessons'], mode: 'static' })

for (const doc of documents) {
  if (doc.error) {
    const error = doc.error
    it(`${doc.path}:${error.line} is a readable lesson`, () => {
      throw error
    })
  }
  for (const { name, verdict } of doc.claims) {
    const why = reasons.get(name)
    if (why !== undefined) {
      // Passes while the claim fails; a fixed (or no longer checkable) claim makes the entry stale.
      it.fails(`${name} [ledger: ${why}]`, () => {
        expect(verdict.status, 'ledgered claim no longer fails: remove its ledger entry').not.toBe('fail')
      })
    } else if (verdict.status === 'blocked') {
      it(name, (ctx) => ctx.skip(`blocked: ${verdict.reason}`))
    } else {
      it(name, () => {
        expect(verdict.status, verdict.reason).toBe('pass')
      })
    }
  }
}

const named = new Set(documents.flatMap((d) => d.claims.map((c) => c.name)))
for (const entry of ledger) {
  it(`ledger entry "${entry.claim}" names a claim of the lessons`, () => {
    expect(named.has(entry.claim), 'stale ledger entry: no such claim').toBe(true)
  })
}
