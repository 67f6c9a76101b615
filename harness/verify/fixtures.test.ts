/**
 * The claim fixtures: each folder under fixtures/claims/ holds documents written for the project
 * in a shape real Docker documents take (sizes as people write them, an assistant's summary, every
 * `docker images` layout, builds of files the document does not show…), verified statically as
 * one run, and `expected.json`: the reviewed claims (line, kind, title, verdict, and the reason of
 * every claim that does not pass), the run's warnings and its exit status.
 * `LESSONPROOF_UPDATE_EXPECTED=1` rewrites the expected files from a run, for review.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, it } from 'vitest'
import { toReport } from '../report/index.js'
import { verify } from './index.js'

const ROOT = 'fixtures/claims'
const update = process.env.LESSONPROOF_UPDATE_EXPECTED === '1'

const scenarios = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({ scenario: d.name, dir: resolve(ROOT, d.name) }))

it.each(scenarios)('fixtures/claims/$scenario is judged as reviewed', async ({ dir }) => {
  const report = toReport(await verify({ paths: ['.'], cwd: dir }), '0.0.0')
  const actual = {
    exitCode: report.exitCode,
    // The expected file itself is skipped by every directory run: not part of the reading.
    warnings: report.warnings.filter((w) => w.path !== 'expected.json').map((w) => `${w.code} ${w.path}`),
    documents: Object.fromEntries(
      report.documents.map((d) => [
        d.path,
        {
          ...(d.error ? { unreadable: d.error.line } : {}),
          claims: d.claims.map((c) =>
            c.verdict === 'pass'
              ? `${c.line} ${c.kind} ${c.verdict}: ${c.title}`
              : `${c.line} ${c.kind} ${c.verdict}: ${c.title} — ${c.reason}`,
          ),
        },
      ]),
    ),
  }
  const expectedPath = join(dir, 'expected.json')
  if (update) writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`)
  expect(actual).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')))
})
