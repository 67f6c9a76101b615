/** What a run hands the reports: its documents, their verdicts, and the ledger's stale entries. */
import type { DocumentError } from '../errors.js'
import type { LedgerEntry } from '../ledger/index.js'
import type { AnyClaim, DocumentRole, Verdict } from '../model/index.js'

export interface VerifiedClaim<C extends AnyClaim = AnyClaim> {
  claim: C
  /** `<document path>:<line> <title>`: the test name. */
  name: string
  verdict: Verdict
  /** The ledger's reason, when the claim fails and is ledgered. */
  ledger?: string
}

export interface VerifiedDocument<C extends AnyClaim = AnyClaim> {
  path: string
  role: DocumentRole
  error?: DocumentError
  claims: VerifiedClaim<C>[]
}

export interface VerifyResult<C extends AnyClaim = AnyClaim> {
  mode: 'static' | 'engine'
  documents: VerifiedDocument<C>[]
  staleLedger: LedgerEntry[]
}
