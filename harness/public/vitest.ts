/**
 * `lessonproof/vitest`: one vitest test per claim of a course's lessons, named
 * `<path>:<line> <claim>`, with the reviewed ledger applied. In a course repo's spec file:
 *
 *     import { lessonTests } from 'lessonproof/vitest'
 *     await lessonTests({ paths: ['lessons'] })
 *
 * A failing claim the ledger lists passes while it still fails (and fails once fixed: remove its
 * entry); a blocked claim is skipped with its reason; an unreadable document fails.
 */
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Claim } from '../kinds/index.js'
import { DEFAULT_LEDGER, loadLedger } from '../ledger/index.js'
import type { Status } from '../model/index.js'
import type { VerifyResult } from '../report/index.js'
import type { Settings } from '../settings/index.js'
import { type EngineRun, verify } from '../verify/index.js'

export interface LessonTestsOptions {
  /** Files or directories of lessons. @default ['lessons'] */
  paths?: string[]
  /** The reviewed ledger. @default 'lessonproof-ledger.yaml' (when present) */
  ledger?: string
  /** Paths are relative to this. @default process.cwd() */
  cwd?: string
  /**
   * A reviewed JSON file of every claim id with its verdict, per document: a claim that
   * extraction drops, adds or judges differently fails a test, until the file is updated.
   */
  pinned?: string
  /** Rewrite `pinned` from this run (for review in the diff) instead of comparing. */
  updatePinned?: boolean
  settings?: Partial<Settings>
  /** Build and measure with an engine (from `lessonproof/engine`); a static run without. */
  engine?: EngineRun
}

type Pinned = Record<string, Record<string, Status>>

/** The verdict of every claim of a run, per document, keys sorted so the file's diffs read well. */
function pinnedOf(result: VerifyResult<Claim>): Pinned {
  const out: Pinned = {}
  for (const doc of [...result.documents].sort((a, b) => a.path.localeCompare(b.path))) {
    const claims: Record<string, Status> = {}
    for (const c of [...doc.claims].sort((a, b) => a.claim.id.localeCompare(b.claim.id)))
      claims[c.claim.id] = c.verdict.status
    out[doc.path] = claims
  }
  return out
}

/** Verifies the lessons and registers their tests; returns the run's result. */
export async function lessonTests(options: LessonTestsOptions = {}): Promise<VerifyResult<Claim>> {
  const cwd = options.cwd ?? process.cwd()
  const ledger = await loadLedger(
    resolve(cwd, options.ledger ?? DEFAULT_LEDGER),
    options.ledger !== undefined,
  )
  const result = await verify({
    paths: options.paths ?? ['lessons'],
    ledger,
    cwd,
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
  })

  for (const doc of result.documents) {
    if (doc.error) {
      const error = doc.error
      it(`${doc.path}:${error.line} is a readable document`, () => {
        throw error
      })
    }
    for (const { name, verdict, ledger: why } of doc.claims) {
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
  for (const entry of result.staleLedger) {
    it(`ledger entry ${entry.file}: ${entry.claim} names a failing claim`, () => {
      throw new Error('stale ledger entry: no failing claim has this id; the claim was fixed or reworded')
    })
  }

  if (options.pinned) {
    const file = resolve(cwd, options.pinned)
    const now = pinnedOf(result)
    if (options.updatePinned) await writeFile(file, `${JSON.stringify(now, null, 2)}\n`)
    const pinned: Pinned = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Pinned) : {}
    describe(`claims pinned in ${options.pinned}`, () => {
      for (const path of Object.keys(now)) {
        it(`${path} has exactly the pinned claims and verdicts`, () => {
          expect(now[path], `update ${options.pinned} if the change is a better reading`).toEqual(
            pinned[path] ?? {},
          )
        })
      }
    })
  }
  return result
}
