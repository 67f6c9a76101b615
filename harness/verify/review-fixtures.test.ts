/**
 * The reviewer fixtures: each folder under fixtures/review/ is verified as one static run (a
 * chapter's README and lessons are read together) and every claim of the reviewer's kinds is held
 * to the folder's reviewed expected.json: its verdict, and a part of its reason where it does not
 * pass. A claim that appears or disappears fails the test as well.
 * `LESSONPROOF_UPDATE_EXPECTED=1` rewrites the expected files from the run, for review.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import type { Status } from '../model/index.js'
import { verify } from './index.js'

const ROOT = 'fixtures/review'
const update = process.env.LESSONPROOF_UPDATE_EXPECTED === '1'

/** The kinds these fixtures are about; other kinds' claims of the same documents are not held here. */
const KINDS = new Set([
  'port',
  'stated-base',
  'run-flags',
  'image-id',
  'pulled-layers',
  'command',
  'image-source',
  'image-tools',
  'image-tag',
  'path-glob',
  'build-output',
  'lesson-citation',
  'resource',
  'listing',
])

type Expected = Record<string, { kind: string; verdict: Status; reason?: string }>

const scenarios = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)

it.each(scenarios)('%s', async (scenario) => {
  const dir = join(ROOT, scenario)
  const result = await verify({ paths: [dir] })
  const got: Expected = {}
  for (const doc of result.documents) {
    expect(doc.error, doc.path).toBeUndefined()
    for (const c of doc.claims) {
      if (!KINDS.has(c.claim.kind)) continue
      const key = `${doc.path.slice(dir.length + 1)}:${c.claim.source.line} ${c.claim.title}`
      got[key] = {
        kind: c.claim.kind,
        verdict: c.verdict.status,
        ...(c.verdict.status === 'pass' ? {} : { reason: c.verdict.reason }),
      }
    }
  }
  const file = join(dir, 'expected.json')
  if (update) {
    writeFileSync(file, `${JSON.stringify(got, null, 2)}\n`)
    return
  }
  const expected = JSON.parse(readFileSync(file, 'utf8')) as Expected
  expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort())
  for (const [key, want] of Object.entries(expected)) {
    const have = got[key]
    expect(have?.verdict, `${key}: ${have?.reason}`).toBe(want.verdict)
    expect(have?.kind, key).toBe(want.kind)
    if (want.reason) expect(have?.reason, key).toContain(want.reason)
  }
})
