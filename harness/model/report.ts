import { z } from 'zod'
import { DocumentRole } from './document.js'
import { Status } from './verdict.js'

/** One claim in the JSON report. */
export const ReportClaim = z.object({
  /** Stable across line moves: `<kind> <subject> «<quote>»`; the ledger's key. */
  id: z.string(),
  kind: z.string(),
  /** `<document path>:<line> <title>`: the vitest test name. */
  name: z.string(),
  line: z.number().int().positive(),
  text: z.string(),
  title: z.string(),
  subject: z.string(),
  quote: z.string(),
  image: z.string().optional(),
  expected: z.string().optional(),
  measured: z.string().optional(),
  verdict: Status,
  reason: z.string(),
  /** The claim fails and the reviewed ledger lists it, with this reason. */
  ledger: z.string().optional(),
  /** Blocked, and not only because the run was static: this run could not verify it. */
  unverified: z.boolean().optional(),
})
export type ReportClaim = z.infer<typeof ReportClaim>

/** A document's section of the report. */
export const ReportDocument = z.object({
  path: z.string(),
  role: DocumentRole.optional(),
  /**
   * Set when the document is unreadable: not text at all (its claims are then empty), or text
   * whose frontmatter does not parse or whose bytes are not valid in its encoding (its body is
   * still read, and its claims are listed).
   */
  error: z.object({ line: z.number().int().positive(), message: z.string() }).optional(),
  claims: z.array(ReportClaim),
})
export type ReportDocument = z.infer<typeof ReportDocument>

/** Something about the run a person should know that is no claim of a document. */
export const ReportWarning = z.object({
  /**
   * `lesson-not-in-run`: a summary card, export or earlier revision whose lesson was not given
   * (it is read for context only); `lesson-missing`: one whose lesson does not exist;
   * `skipped`: a file a directory search did not read.
   */
  code: z.enum(['lesson-not-in-run', 'lesson-missing', 'skipped']),
  path: z.string(),
  message: z.string(),
})
export type ReportWarning = z.infer<typeof ReportWarning>

/** The JSON report `lessonproof verify --json FILE` writes. */
export const Report = z.object({
  tool: z.literal('lessonproof'),
  version: z.string(),
  /** `static` checks only, or `engine` with builds and measurements. */
  mode: z.enum(['static', 'engine']),
  documents: z.array(ReportDocument),
  /** Ledger entries that name no failing claim: the claim was fixed or is gone. */
  staleLedger: z.array(
    z.object({ file: z.string(), claim: z.string(), line: z.number().int().optional(), reason: z.string() }),
  ),
  totals: z.object({
    pass: z.number().int(),
    fail: z.number().int(),
    ledgered: z.number().int(),
    blocked: z.number().int(),
    /**
     * Blocked claims this run could not verify: every blocked claim of an engine run; in a static
     * run, those blocked for another reason than the run being static.
     */
    unverified: z.number().int().default(0),
    errors: z.number().int(),
  }),
  /** What the run did not verify, or verified only in part. @default [] */
  warnings: z.array(ReportWarning).default([]),
  /**
   * 0 every claim holds or is ledgered; 1 a claim fails (or a ledger entry is stale); 2 a
   * document is unreadable (or bad usage); 3 both a failing claim and an unreadable document; 4
   * nothing failed, but claims could not be verified in this run (`--allow-blocked` makes it 0).
   */
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
})
export type Report = z.infer<typeof Report>
