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
  /**
   * The document is unreadable: not text (no claims), or its frontmatter does not parse or its
   * bytes are not valid text (the body is still read: claims are listed).
   */
  error?: DocumentError
  claims: VerifiedClaim<C>[]
}

/** A file a directory search did not read, and why. */
export interface SkippedFile {
  path: string
  reason: string
}

/** A summary card, export or earlier revision whose lesson is not among the run's documents. */
export interface OrphanDocument {
  path: string
  role: DocumentRole
  lessonPath: string
  /** The lesson exists (it is read for context) but was not given to the run. */
  lessonExists: boolean
}

export interface VerifyResult<C extends AnyClaim = AnyClaim> {
  mode: 'static' | 'engine'
  documents: VerifiedDocument<C>[]
  staleLedger: LedgerEntry[]
  /** Files a directory search skipped. @default [] */
  skipped?: SkippedFile[]
  /** Documents whose lesson is not in the run. @default [] */
  orphans?: OrphanDocument[]
}
