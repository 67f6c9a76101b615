/** Stage 5: documents → claims → verdicts → report, for a set of paths. */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { relative, resolve, sep } from 'node:path'
import {
  CheckContext,
  checkClaim,
  DEFAULT_TOLERANCES,
  type Family,
  type Measurements,
  staticMeasurements,
  type Tolerances,
} from '../checks/index.js'
import { extractClaims } from '../claims/index.js'
import { DocumentError } from '../errors.js'
import { entryPath, type LedgerEntry } from '../ledger/index.js'
import type { Claim, Document, DocumentRole, Report, ReportClaim, Verdict } from '../model/index.js'
import { documentRole, loadDocument } from '../parse/index.js'
import { collectDocuments } from './collect.js'

export { collectDocuments } from './collect.js'

export interface VerifyOptions {
  paths: string[]
  mode: 'static' | 'engine'
  /** Run-wide tolerances; a lesson's frontmatter `lessonproof:` settings override them. */
  tolerances?: Partial<Tolerances>
  ledger?: LedgerEntry[]
  measurements?: Measurements
  /**
   * Engine mode: measures the documents (after claims are read, before they are checked).
   * Receives every document with iterations, including a lesson read only for context.
   */
  measure?: (entries: { doc: Document; claims: Claim[] }[]) => Promise<Measurements>
  /** Paths in names and the ledger are relative to this. @default process.cwd() */
  cwd?: string
  version?: string
}

export interface VerifiedClaim {
  claim: Claim
  /** `<lesson path>:<line> <title>`: the test name and ledger key. */
  name: string
  verdict: Verdict
  /** The ledger's reason, when the claim fails and is ledgered. */
  ledger?: string
}

export interface VerifiedDocument {
  path: string
  role: DocumentRole
  error?: DocumentError
  claims: VerifiedClaim[]
}

export interface VerifyResult {
  documents: VerifiedDocument[]
  staleLedger: LedgerEntry[]
  report: Report
}

/** A path as names and the ledger write it: relative to the run's directory, with `/`. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, path))
  return (rel.startsWith('..') ? resolve(cwd, path) : rel).split(sep).join('/')
}

export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const cwd = options.cwd ?? process.cwd()
  const files = (await collectDocuments(options.paths.map((p) => resolve(cwd, p)))).map((p) =>
    displayPath(p, cwd),
  )
  // One lesson's documents at a time: they check against each other, and nothing of a lesson
  // but its verdicts is kept once it is done (1,000 lessons stay within memory).
  const groups = new Map<string, string[]>()
  for (const path of files) {
    const { lessonPath } = documentRole(path)
    groups.set(lessonPath, [...(groups.get(lessonPath) ?? []), path])
  }
  // Reading every file ahead keeps the disk busy while lessons are parsed one after another.
  const reads = new Map(files.map((f) => [f, readAhead(resolve(cwd, f))]))
  const byPath = new Map<string, VerifiedDocument>()
  for (const [lessonPath, paths] of groups) {
    for (const doc of await verifyFamily(lessonPath, paths, cwd, options, reads)) byPath.set(doc.path, doc)
  }
  const documents = files.map((f) => byPath.get(f)).filter((d): d is VerifiedDocument => d !== undefined)
  const staleLedger = reconcile(documents, options.ledger ?? [])
  return { documents, staleLedger, report: toReport(documents, staleLedger, options) }
}

/** Starts reading a file; a failure is reported when the file is parsed, not now. */
function readAhead(path: string): Promise<Uint8Array> {
  const reading = readFile(path)
  reading.catch(() => undefined)
  return reading
}

async function load(
  path: string,
  cwd: string,
  reading?: Promise<Uint8Array>,
): Promise<{ path: string; lesson: Document } | { path: string; error: DocumentError }> {
  try {
    return { path, lesson: relabel(await loadDocument(resolve(cwd, path), reading), path) }
  } catch (error) {
    if (error instanceof DocumentError) return { path, error: relabelError(error, path) }
    throw error
  }
}

/** The documents of one lesson: read, claims extracted, measured (engine mode), checked. */
async function verifyFamily(
  lessonPath: string,
  paths: string[],
  cwd: string,
  options: VerifyOptions,
  reads: Map<string, Promise<Uint8Array>>,
): Promise<VerifiedDocument[]> {
  const loaded = await Promise.all(paths.map((path) => load(path, cwd, reads.get(path))))
  const family: Family = { lesson: undefined, docs: [] }
  for (const item of loaded) {
    if ('lesson' in item) {
      family.docs.push({ doc: item.lesson, claims: [] })
      if (item.lesson.role === 'lesson') family.lesson = item.lesson
    }
  }
  // A lesson not given is read for context only (a changed summary card checks against it).
  if (!family.lesson && family.docs.length > 0 && existsSync(resolve(cwd, lessonPath))) {
    const context = await load(lessonPath, cwd)
    if ('lesson' in context) {
      family.lesson = context.lesson
      family.docs.push({ doc: context.lesson, claims: [] })
    }
  }
  for (const entry of family.docs) entry.claims = extractClaims(entry.doc, family.lesson)
  const measurements = options.measure
    ? await options.measure(family.docs)
    : (options.measurements ?? staticMeasurements)
  const tolerances = tolerancesFor(family.lesson, options.tolerances)
  return loaded.map((item): VerifiedDocument => {
    if ('error' in item)
      return { path: item.path, role: documentRole(item.path).role, error: item.error, claims: [] }
    const doc = item.lesson
    const claims = family.docs.find((d) => d.doc === doc)?.claims ?? []
    const ctx = new CheckContext(doc, claims, family, tolerances, measurements)
    const seen = new Map<string, number>()
    return {
      path: doc.path,
      role: doc.role,
      claims: claims.map((claim) => {
        const base = `${doc.path}:${claim.source.line} ${claim.title}`
        const n = (seen.get(base) ?? 0) + 1
        seen.set(base, n)
        return { claim, name: n === 1 ? base : `${base} (${n})`, verdict: checkClaim(claim, ctx) }
      }),
    }
  })
}

function relabel(lesson: Document, path: string): Document {
  const { lessonPath } = documentRole(path)
  return { ...lesson, path, lessonPath }
}

function relabelError(error: DocumentError, path: string): DocumentError {
  if (error.file === path) return error
  return new DocumentError({
    file: path,
    line: error.line,
    reason: error.reason,
    ...(error.expected === undefined ? {} : { expected: error.expected }),
    ...(error.received === undefined ? {} : { received: error.received }),
    cause: error.cause ?? error,
  })
}

function tolerancesFor(lesson: Document | undefined, run: Partial<Tolerances> | undefined): Tolerances {
  const own = lesson?.frontmatter?.data.lessonproof
  return {
    sizePct: own?.size_tolerance_pct ?? run?.sizePct ?? DEFAULT_TOLERANCES.sizePct,
    reductionPts: own?.reduction_tolerance_pts ?? run?.reductionPts ?? DEFAULT_TOLERANCES.reductionPts,
  }
}

/** Marks ledgered failures; returns entries for verified documents that no failing claim matches. */
function reconcile(documents: VerifiedDocument[], ledger: LedgerEntry[]): LedgerEntry[] {
  const verified = new Set(documents.filter((d) => !d.error).map((d) => d.path))
  const byName = new Map(documents.flatMap((d) => d.claims.map((c) => [c.name, c] as const)))
  const stale: LedgerEntry[] = []
  for (const entry of ledger) {
    if (!verified.has(entryPath(entry))) continue
    const claim = byName.get(entry.claim)
    if (claim && claim.verdict.status === 'fail') claim.ledger = entry.reason
    else stale.push(entry)
  }
  return stale
}

function toReport(documents: VerifiedDocument[], stale: LedgerEntry[], options: VerifyOptions): Report {
  const totals = { pass: 0, fail: 0, ledgered: 0, blocked: 0, errors: 0 }
  const lessons = documents.map((d) => {
    if (d.error) totals.errors++
    const claims = d.claims.map((c): ReportClaim => {
      if (c.verdict.status === 'fail' && c.ledger !== undefined) totals.ledgered++
      else totals[c.verdict.status]++
      const out: ReportClaim = {
        id: c.claim.id,
        kind: c.claim.kind,
        name: c.name,
        line: c.claim.source.line,
        text: c.claim.text,
        title: c.claim.title,
        verdict: c.verdict.status,
        reason: c.verdict.reason,
      }
      if (c.claim.image !== undefined) out.image = c.claim.image
      if (c.verdict.expected !== undefined) out.expected = c.verdict.expected
      if (c.verdict.measured !== undefined) out.measured = c.verdict.measured
      if (c.ledger !== undefined) out.ledger = c.ledger
      return out
    })
    return {
      path: d.path,
      role: d.role,
      ...(d.error ? { error: { line: d.error.line, message: d.error.message } } : {}),
      claims,
    }
  })
  const exitCode = totals.errors > 0 ? 2 : totals.fail > 0 || stale.length > 0 ? 1 : 0
  return {
    tool: 'lessonproof',
    version: options.version ?? '0.0.0',
    mode: options.mode,
    lessons,
    staleLedger: stale.map((e) => ({ name: e.claim, reason: e.reason })),
    totals,
    exitCode,
  }
}
