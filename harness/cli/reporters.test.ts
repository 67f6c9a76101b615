import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkTargets, parseReporters, writeAtomic } from './reporters.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lessonproof-reporters-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('parseReporters', () => {
  it('is text on stdout when none is named, and --json FILE adds a JSON report', () => {
    expect(parseReporters([], undefined, dir)).toEqual([{ name: 'text' }])
    expect(parseReporters([], 'r.json', dir)).toEqual([
      { name: 'text' },
      { name: 'json', file: join(dir, 'r.json') },
    ])
  })

  it('reads NAME[=FILE], files relative to the run directory', () => {
    expect(parseReporters(['junit=out/r.xml', 'github', 'text'], undefined, dir)).toEqual([
      { name: 'junit', file: join(dir, 'out/r.xml') },
      { name: 'github' },
      { name: 'text' },
    ])
  })

  it.each([
    [['html'], "--reporter takes text|json|junit|github[=FILE], got 'html'"],
    [['junit='], '--reporter junit= names no file'],
    [['junit=r.xml', 'json=r.xml'], '--reporter json and junit both write'],
    [
      ['junit', 'text'],
      '--reporter junit writes to stdout, so no other report can; give it a file (junit=FILE)',
    ],
    [['json', 'github'], '--reporter json writes to stdout, so no other report can'],
  ])('refuses %j', (specs, message) => {
    expect(() => parseReporters(specs, undefined, dir)).toThrow(message)
  })

  it('lets a machine-readable report have stdout to itself', () => {
    expect(parseReporters(['junit'], undefined, dir)).toEqual([{ name: 'junit' }])
  })
})

describe('checkTargets', () => {
  const guard = () => ({
    documents: [join(dir, 'lessons/a.md')],
    ledger: join(dir, 'lessonproof-ledger.yaml'),
  })

  beforeEach(async () => {
    await mkdir(join(dir, 'lessons'))
    await writeFile(join(dir, 'lessons/a.md'), 'a lesson\n')
    await writeFile(join(dir, 'plain-file'), '')
  })

  it('accepts new files in new directories and existing files', async () => {
    await writeFile(join(dir, 'old.xml'), '')
    const targets = parseReporters(['junit=reports/deep/r.xml', 'json=old.xml'], undefined, dir)
    await expect(checkTargets(targets, guard())).resolves.toBeUndefined()
  })

  it.each([
    [
      'junit=plain-file/r.xml',
      /cannot write the junit report to .*plain-file\/r\.xml: .*plain-file is not a directory/,
    ],
    ['json=lessons', /cannot write the json report to .*lessons: it is not a regular file/],
    ['junit=lessons/a.md', /refusing to write the junit report over the lesson document .*lessons\/a\.md/],
    ['text=./lessons/../lessons/a.md', /refusing to write the text report over the lesson document/],
    ['json=lessonproof-ledger.yaml', /refusing to write the json report over the ledger/],
  ])('refuses %s', async (spec, message) => {
    await expect(checkTargets(parseReporters([spec], undefined, dir), guard())).rejects.toThrow(message)
  })

  it('checks the job summary file too, unless github is given its own', async () => {
    const summary = join(dir, 'plain-file/summary.md')
    await expect(checkTargets(parseReporters(['github'], undefined, dir), guard(), summary)).rejects.toThrow(
      /cannot write the job summary to .*plain-file\/summary\.md/,
    )
    const own = parseReporters(['github=summary.md'], undefined, dir)
    await expect(checkTargets(own, guard(), summary)).resolves.toBeUndefined()
  })
})

describe('writeAtomic', () => {
  it('replaces the file whole and leaves no temp file behind', async () => {
    const path = join(dir, 'out/report.json')
    await writeAtomic(path, 'first\n')
    await writeAtomic(path, 'second\n')
    expect(await readFile(path, 'utf8')).toBe('second\n')
    expect(await readdir(join(dir, 'out'))).toEqual(['report.json'])
  })

  it('leaves the old file and no temp file when the write fails', async () => {
    const path = join(dir, 'report.json')
    await writeAtomic(path, 'kept\n')
    await mkdir(join(dir, 'blocker'))
    // Renaming a file over a directory fails after the temp file is written.
    await expect(writeAtomic(join(dir, 'blocker'), 'lost\n')).rejects.toThrow()
    expect(await readFile(path, 'utf8')).toBe('kept\n')
    expect((await readdir(dir)).sort()).toEqual(['blocker', 'report.json'])
  })
})
