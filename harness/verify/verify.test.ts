import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatText, toReport } from '../report/index.js'
import { verify } from './index.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lessonproof-verify-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function write(path: string, text: string): Promise<void> {
  const full = join(dir, path)
  await mkdir(dirname(full), { recursive: true })
  await writeFile(full, text)
}

/** A build of a Dockerfile the document never shows, though it shows another: a failing claim. */
const FAILING = [
  '# Build',
  '',
  '**File: Dockerfile.dev**',
  '',
  '```dockerfile',
  'FROM debian:bookworm',
  '```',
  '',
  'Run `docker build -t app .` now.',
  '',
].join('\n')
/** YAML that does not parse, over a body with a Dockerfile and its build. */
const BROKEN = [
  '---',
  'title: Cache',
  'description: Cache: why order matters',
  '---',
  '',
  '**File: Dockerfile**',
  '',
  '```dockerfile',
  'FROM debian:bookworm-slim',
  'CMD ["true"]',
  '```',
  '',
  '```bash',
  'docker build -t cache-demo .',
  '```',
  '',
].join('\n')

describe('an unreadable document', () => {
  it('is reported at its line, its body still verified, and never hides a failure elsewhere', async () => {
    await write('docs/broken.md', BROKEN)
    await write('docs/failing.md', FAILING)
    const report = toReport(await verify({ paths: ['docs'], cwd: dir }), '0.0.0')

    expect(report.exitCode).toBe(3)
    expect(report.totals).toMatchObject({ errors: 1, fail: 1 })
    const [broken, failing] = report.documents
    expect(broken?.error?.line).toBe(3)
    expect(broken?.claims.map((c) => [c.kind, c.line, c.verdict])).toEqual([
      ['dockerfile', 8, 'pass'],
      ['image-tag', 9, 'pass'],
      ['build-command', 14, 'pass'],
      ['step', 14, 'blocked'],
    ])
    expect(failing?.claims.map((c) => [c.kind, c.verdict])).toEqual([
      ['dockerfile', 'pass'],
      ['image-tag', 'pass'],
      ['build-command', 'fail'],
      ['step', 'blocked'],
    ])

    const text = formatText(report, false)
    expect(text).toContain('docs/broken.md  (unreadable; its body read: 3 pass, 0 fail, 1 blocked)')
    expect(text).toContain(
      'docs/failing.md:9 docker build -f Dockerfile names a Dockerfile the lesson defines',
    )
    expect(text).toContain('exit 3: a claim fails and a document is unreadable')
  })

  it('alone exits 2', async () => {
    await write('docs/broken.md', BROKEN)
    const report = toReport(await verify({ paths: ['docs'], cwd: dir }), '0.0.0')
    expect(report.exitCode).toBe(2)
  })
})

describe('warnings', () => {
  it('says a summary card whose lesson is not in the run is checked against it for context', async () => {
    await write('lessons/x.md', FAILING)
    await write('lessons/x.summary.md', '- The image is small.\n')
    const report = toReport(await verify({ paths: ['lessons/x.summary.md'], cwd: dir }), '0.0.0')
    expect(report.warnings).toEqual([
      {
        code: 'lesson-not-in-run',
        path: 'lessons/x.summary.md',
        message: expect.stringContaining('of lessons/x.md, which is not in this run'),
      },
    ])
    expect(formatText(report, false)).toContain('warning: lessons/x.summary.md: summary of lessons/x.md')
  })

  it('says a summary card has no lesson at all', async () => {
    await write('lessons/y.summary.md', '- The image is small.\n')
    const report = toReport(await verify({ paths: ['lessons'], cwd: dir }), '0.0.0')
    expect(report.warnings.map((w) => [w.code, w.path])).toEqual([['lesson-missing', 'lessons/y.summary.md']])
  })

  it('lists the files a directory run skipped, and why', async () => {
    await write('course/a.md', FAILING)
    await write('course/shot.png', 'not text')
    await write('course/CHANGELOG.md', '# 1.0\n')
    const report = toReport(await verify({ paths: ['course'], cwd: dir }), '0.0.0')
    expect(report.warnings.map((w) => [w.path, w.message])).toEqual([
      ['course/CHANGELOG.md', "not read: a project's housekeeping file, not a lesson"],
      ['course/shot.png', 'not read: not a document type (.png)'],
    ])
    const text = formatText(report, false)
    expect(text).toContain('skipped 2 files a directory search found:')
    expect(text).toContain('  course/shot.png (not a document type (.png))')
  })
})
