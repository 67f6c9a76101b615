import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execa } from 'execa'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyEdits, makePatch, makePatchSet, PatchError } from './edits.js'
import { formatReductionLike, formatSizeLike } from './format.js'
import { outputEdit } from './output.js'

const LESSON = `---
title: Smaller images
---

# Smaller images

The naive image is 1.21GB; the multi-stage one is 115MB (90.5% reduction).

\`\`\`
$ docker images task-api
\`\`\`

Output:

\`\`\`
REPOSITORY   TAG          IMAGE ID       CREATED          SIZE
task-api     multistage   1a2b3c4d5e6f   10 seconds ago   115MB
task-api     naive        2b3c4d5e6f70   2 minutes ago    1.21GB
\`\`\`

| image | size |
|---|---|
| naive | 1.21GB |
| multi-stage | 115MB |
`

let repo = ''

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'lessonproof-patch-'))
  await execa('git', ['init', '-q'], { cwd: repo })
})

afterEach(async () => {
  await rm(repo, { recursive: true, force: true })
})

/** Writes the documents, applies the patch with git as an author would, and returns what git wrote. */
async function gitApply(files: Record<string, string>, patch: string): Promise<Record<string, string>> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true })
    await writeFile(join(repo, path), text)
  }
  await writeFile(join(repo, 'suggested.patch'), patch)
  await execa('git', ['apply', '--check', 'suggested.patch'], { cwd: repo })
  await execa('git', ['apply', 'suggested.patch'], { cwd: repo })
  const out: Record<string, string> = {}
  for (const path of Object.keys(files)) out[path] = await readFile(join(repo, path), 'utf8')
  return out
}

describe('makePatch', () => {
  it('makes a diff git applies, and the document git writes is the edited one', async () => {
    const naive = 1_210_000_000
    const multistage = 131_000_000
    const edits = [
      { line: 7, old: '115MB', new: formatSizeLike(multistage, '115MB') },
      { line: 7, old: '90.5%', new: formatReductionLike(naive, multistage, '90.5%') },
      { line: 24, old: '115MB', new: formatSizeLike(multistage, '115MB') },
    ]
    const patch = makePatch('lessons/smaller.md', LESSON, edits)
    expect(patch).toContain(
      'diff --git a/lessons/smaller.md b/lessons/smaller.md\n--- a/lessons/smaller.md\n+++ b/lessons/smaller.md\n',
    )
    expect(patch).toContain('-The naive image is 1.21GB; the multi-stage one is 115MB (90.5% reduction).\n')
    expect(patch).toContain('+The naive image is 1.21GB; the multi-stage one is 131MB (89.2% reduction).\n')
    const written = await gitApply({ 'lessons/smaller.md': LESSON }, patch)
    expect(written['lessons/smaller.md']).toBe(applyEdits(LESSON, edits))
    expect(written['lessons/smaller.md']).toContain('| multi-stage | 131MB |')
  })

  it('replaces a claimed output block, and git applies it', async () => {
    const lines = LESSON.split('\n')
    const from = lines.indexOf('REPOSITORY   TAG          IMAGE ID       CREATED          SIZE') + 1
    const block = { from, lines: lines.slice(from - 1, from + 2) }
    const actual = `REPOSITORY   TAG          IMAGE ID       CREATED                  SIZE
task-api     multistage   9a2b3c4d5e6f   Less than a second ago   190MB
task-api     naive        9b3c4d5e6f70   Less than a second ago   1.21GB
`
    const edit = outputEdit(block, actual)
    if (!edit) throw new Error('the block should have changed')
    const written = await gitApply(
      { 'lessons/smaller.md': LESSON },
      makePatch('lessons/smaller.md', LESSON, [edit]),
    )
    expect(written['lessons/smaller.md']).toContain(
      'task-api     multistage   1a2b3c4d5e6f   10 seconds ago   190MB\ntask-api     naive        2b3c4d5e6f70   2 minutes ago    1.21GB\n',
    )
  })

  it('keeps CRLF line endings and a last line without one', async () => {
    const text = 'size: 115MB\r\nreduction: 62%\r\nend'
    const patch = makePatch('lessons/crlf.md', text, [
      { line: 1, old: '115MB', new: '131MB' },
      { from: 3, to: 3, old: ['end'], lines: ['the end'] },
    ])
    const written = await gitApply({ 'lessons/crlf.md': text }, patch)
    expect(written['lessons/crlf.md']).toBe('size: 131MB\r\nreduction: 62%\r\nthe end')
  })

  it('patches several documents in one diff', async () => {
    const files = { 'lessons/a.md': 'A is 10MB\n', 'lessons/b.md': 'B is 20MB\n', 'lessons/c.md': 'C\n' }
    const patch = makePatchSet([
      { path: 'lessons/a.md', text: files['lessons/a.md'], edits: [{ line: 1, old: '10MB', new: '11MB' }] },
      { path: 'lessons/b.md', text: files['lessons/b.md'], edits: [{ line: 1, old: '20MB', new: '22MB' }] },
      { path: 'lessons/c.md', text: files['lessons/c.md'], edits: [] },
    ])
    expect(patch).not.toContain('lessons/c.md')
    expect(await gitApply(files, patch)).toEqual({
      'lessons/a.md': 'A is 11MB\n',
      'lessons/b.md': 'B is 22MB\n',
      'lessons/c.md': 'C\n',
    })
  })

  it('makes no diff when nothing changes', () => {
    expect(makePatch('lessons/x.md', 'a\n', [])).toBe('')
    expect(makePatch('lessons/x.md', 'a\n', [{ line: 1, old: 'a', new: 'a' }])).toBe('')
  })

  it('gives a diff git refuses once the lesson changed under it', async () => {
    const patch = makePatch('lessons/x.md', 'size 115MB\n', [{ line: 1, old: '115MB', new: '131MB' }])
    await writeFile(join(repo, 'x.patch'), patch)
    await mkdir(join(repo, 'lessons'))
    await writeFile(join(repo, 'lessons/x.md'), 'size 120MB\n')
    await expect(execa('git', ['apply', '--check', 'x.patch'], { cwd: repo })).rejects.toThrow(
      /patch does not apply/,
    )
  })
})

describe('applyEdits refuses edits that do not fit', () => {
  it.each([
    [{ line: 9, old: 'x', new: 'y' }, 'doc:9: there is no line 9 (the document has 2)'],
    [
      { line: 1, old: '116MB', new: '131MB' },
      'doc:1: expected "116MB" on this line\n  found: "115MB and 115MB"',
    ],
    [
      { line: 1, old: '115MB', new: '131MB' },
      'doc:1: "115MB" occurs more than once: give its column\n  found: "115MB and 115MB"',
    ],
    [
      { line: 1, old: '115MB', new: '131MB', column: 3 },
      'doc:1: expected "115MB" at column 3\n  found: "115MB and 115MB"',
    ],
    [
      { from: 1, to: 2, old: ['115MB and 115MB', 'other'], lines: [] },
      'doc:2: the block of lines 1–2 is not what the edit expects: expected "other"\n  found: "62%"',
    ],
  ])('%j', (edit, message) => {
    expect(() => applyEdits('115MB and 115MB\n62%\n', [edit], 'doc')).toThrow(PatchError)
    expect(() => applyEdits('115MB and 115MB\n62%\n', [edit], 'doc')).toThrow(message)
  })

  it('takes the column to tell two equal spans apart', () => {
    expect(applyEdits('115MB and 115MB\n', [{ line: 1, old: '115MB', new: '131MB', column: 11 }])).toBe(
      '115MB and 131MB\n',
    )
  })

  it('refuses overlapping edits', () => {
    expect(() =>
      applyEdits('115MB\n', [
        { line: 1, old: '115MB', new: '1' },
        { line: 1, old: '15', new: '2' },
      ]),
    ).toThrow('two edits overlap on this line')
    expect(() =>
      applyEdits('a\nb\nc\n', [
        { from: 1, to: 2, old: ['a', 'b'], lines: [] },
        { line: 2, old: 'b', new: 'x' },
      ]),
    ).toThrow('an edit falls inside a block another edit replaces')
  })
})
