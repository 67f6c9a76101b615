/**
 * Runs the stages for a set of paths: documents → claims → (engine runs: plan → facts) →
 * verdicts, lesson family by lesson family, then the ledger. Hands plain results to the report.
 */
import { existsSync } from 'node:fs'
import { relative, resolve, sep } from 'node:path'
import {
  CheckContext,
  type Course,
  checkAcrossRun,
  checkClaim,
  checkedAcrossRun,
  courseDocument,
  type Family,
} from '../checks/index.js'
import { extractClaims } from '../claims/index.js'
import { DocumentError } from '../errors.js'
import type { Claim } from '../kinds/index.js'
import type { RunClaim } from '../kinds/kit/index.js'
import { applyLedger, type LedgerEntry } from '../ledger/index.js'
import { type Document, type RunFacts, verdictOf } from '../model/index.js'
import { documentRole, loadDocument, readDocumentBytes } from '../parse/index.js'
import { planRun, type RunPlan } from '../plan/index.js'
import type { VerifiedClaim, VerifiedDocument, VerifyResult } from '../report/index.js'
import { type EngineOptions, resolveSettings, type Settings } from '../settings/index.js'
import { collectDocuments } from './collect.js'

export type { VerifiedClaim, VerifiedDocument, VerifyResult } from '../report/index.js'
export { collectDocuments, isDocumentName } from './collect.js'

/** What an engine run lends `verify`: its options (for the plan) and a way to measure a plan. */
export interface EngineRun {
  options: EngineOptions
  measure(plan: RunPlan): Promise<RunFacts>
}

export interface VerifyOptions {
  paths: string[]
  /** Settings given for the whole run; a lesson's frontmatter `lessonproof:` block overrides them. */
  settings?: Partial<Settings>
  ledger?: LedgerEntry[]
  /** Builds and measures the iterations. Absent: a static run. */
  engine?: EngineRun
  /** Paths in names and the ledger are relative to this. @default process.cwd() */
  cwd?: string
  /** Files a caller's own directory search skipped (the CLI selects documents first): reported as warnings. */
  skipped?: { path: string; reason: string }[]
}

/** A path as names and the ledger write it: relative to the run's directory, with `/`. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, path))
  return (rel.startsWith('..') ? resolve(cwd, path) : rel).split(sep).join('/')
}

export async function verify(options: VerifyOptions): Promise<VerifyResult<Claim>> {
  const cwd = options.cwd ?? process.cwd()
  const collection = await collectDocuments(options.paths.map((p) => resolve(cwd, p)))
  const files = collection.map((p) => displayPath(p, cwd))
  // One lesson's documents at a time: they check against each other, and nothing of a lesson
  // but its verdicts is kept once it is done (1,000 lessons stay within memory).
  const groups = new Map<string, string[]>()
  for (const path of files) {
    const { lessonPath } = documentRole(path)
    groups.set(lessonPath, [...(groups.get(lessonPath) ?? []), path])
  }
  // Reading ahead keeps the disk busy while lessons are parsed one after another; a few at a time.
  const slots = limiter(READ_AHEAD)
  const reads = new Map(files.map((f) => [f, readAhead(resolve(cwd, f), slots)]))
  const byPath = new Map<string, VerifiedDocument<Claim>>()
  // Claims checked against the other documents too, kept until every lesson is checked, and
  // what each document says of its place in the course (small).
  const acrossRun: (RunClaim<Claim> & { verified: VerifiedClaim<Claim> })[] = []
  const course: Course = { documents: [] }
  for (const [lessonPath, paths] of groups) {
    const { documents: verified, settings } = await verifyFamily(
      lessonPath,
      paths,
      cwd,
      options,
      reads,
      course,
    )
    for (const doc of verified) {
      byPath.set(doc.path, doc)
      for (const c of doc.claims) {
        if (checkedAcrossRun(c.claim))
          acrossRun.push({ claim: c.claim, path: doc.path, lessonPath, settings, verified: c })
      }
    }
  }
  const extra = checkAcrossRun(acrossRun, course)
  for (const entry of acrossRun) {
    const checks = extra.get(entry.claim)
    if (checks && checks.length > 0)
      entry.verified.verdict = verdictOf([...entry.verified.verdict.checks, ...checks])
  }
  const documents = files
    .map((f) => byPath.get(f))
    .filter((d): d is VerifiedDocument<Claim> => d !== undefined)
  const claims = documents.flatMap((d) =>
    d.claims.map((c) => ({ file: d.path, id: c.claim.id, failing: c.verdict.status === 'fail', c })),
  )
  // A document whose body was read (even with an unreadable frontmatter) has its claims checked.
  const verified = new Set(documents.filter((d) => !d.error || d.claims.length > 0).map((d) => d.path))
  const { reasons, stale } = applyLedger(options.ledger ?? [], claims, verified)
  for (const [claim, reason] of reasons) (claim as (typeof claims)[number]).c.ledger = reason
  return {
    mode: options.engine ? 'engine' : 'static',
    documents,
    staleLedger: stale,
    skipped: [
      ...(options.skipped ?? []),
      ...collection.skipped.map((s) => ({ path: displayPath(s.path, cwd), reason: s.reason })),
    ],
    orphans: collection.orphans.map((o) => ({
      ...o,
      path: displayPath(o.path, cwd),
      lessonPath: displayPath(o.lessonPath, cwd),
    })),
  }
}

/** Files read at once. */
const READ_AHEAD = 8

/** Runs at most `n` tasks at once, in the order they ask. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0
  const queue: (() => void)[] = []
  return async (task) => {
    if (running >= n) await new Promise<void>((go) => queue.push(go))
    running++
    try {
      return await task()
    } finally {
      running--
      queue.shift()?.()
    }
  }
}

/** Starts reading a file; a failure is reported when the file is parsed, not now. */
function readAhead(path: string, slots: ReturnType<typeof limiter>): Promise<Uint8Array> {
  const reading = slots(() => readDocumentBytes(path))
  reading.catch(() => undefined)
  return reading
}

async function load(
  path: string,
  cwd: string,
  reading?: Promise<Uint8Array>,
): Promise<{ path: string; doc: Document } | { path: string; error: DocumentError }> {
  try {
    return { path, doc: relabel(await loadDocument(resolve(cwd, path), reading), path) }
  } catch (error) {
    if (error instanceof DocumentError) return { path, error: relabelError(error, path) }
    throw error
  }
}

/** The documents of one lesson: read, claims extracted, measured (engine runs), checked. */
async function verifyFamily(
  lessonPath: string,
  paths: string[],
  cwd: string,
  options: VerifyOptions,
  reads: Map<string, Promise<Uint8Array>>,
  course: Course,
): Promise<{ documents: VerifiedDocument<Claim>[]; settings: Settings }> {
  const loaded = await Promise.all(paths.map((path) => load(path, cwd, reads.get(path))))
  for (const item of loaded) if ('doc' in item) course.documents.push(courseDocument(item.doc))
  const family: Family = { lesson: undefined, docs: [] }
  for (const item of loaded) {
    if ('doc' in item) {
      family.docs.push({ doc: item.doc, claims: [] })
      if (item.doc.role === 'lesson') family.lesson = item.doc
    }
  }
  // A lesson not given is read for context only (a changed summary card checks against it).
  if (!family.lesson && family.docs.length > 0 && existsSync(resolve(cwd, lessonPath))) {
    const context = await load(lessonPath, cwd)
    if ('doc' in context) {
      family.lesson = context.doc
      family.docs.push({ doc: context.doc, claims: [] })
    }
  }
  for (const entry of family.docs) entry.claims = extractClaims(entry.doc, family.lesson)
  const settings = resolveSettings(
    options.settings ?? {},
    (family.lesson?.frontmatter?.data.lessonproof ?? {}) as Record<string, unknown>,
  ).values
  let facts: RunFacts | undefined
  if (options.engine) {
    const inputs = family.docs
      .filter((d) => d.doc.iterations.length > 0 || (options.engine?.options.walk && d.doc.role === 'lesson'))
      .map((d) => ({ doc: d.doc, claims: d.claims as Claim[], settings }))
    facts = await options.engine.measure(planRun(inputs, options.engine.options))
  }
  const documents = loaded.map((item): VerifiedDocument<Claim> => {
    if ('error' in item)
      return { path: item.path, role: documentRole(item.path).role, error: item.error, claims: [] }
    const doc = item.doc
    const claims = (family.docs.find((d) => d.doc === doc)?.claims ?? []) as Claim[]
    const ctx = new CheckContext(doc, claims, family, settings, facts)
    const seen = new Map<string, number>()
    return {
      path: doc.path,
      role: doc.role,
      ...(doc.unreadable ? { error: unreadableError(doc.path, doc.unreadable) } : {}),
      claims: claims.map((claim) => {
        const base = `${doc.path}:${claim.source.line} ${claim.title}`
        const n = (seen.get(base) ?? 0) + 1
        seen.set(base, n)
        return { claim, name: n === 1 ? base : `${base} (${n})`, verdict: checkClaim(claim, ctx) }
      }),
    }
  })
  return { documents, settings }
}

/** A document whose frontmatter does not parse, or whose bytes are not valid text, at its line. */
function unreadableError(path: string, u: NonNullable<Document['unreadable']>): DocumentError {
  return new DocumentError({
    file: path,
    line: u.line,
    reason: `${u.reason} (the rest of the document is still read)`,
    expected: u.expected,
    received: u.received,
  })
}

function relabel(doc: Document, path: string): Document {
  const { lessonPath } = documentRole(path)
  return { ...doc, path, lessonPath }
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
