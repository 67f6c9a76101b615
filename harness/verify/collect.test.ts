import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { collectDocuments, isDocumentName } from './collect.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lessonproof-collect-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function write(path: string, text = '# x\n'): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true })
  await writeFile(join(dir, path), text)
}

const rel = (paths: string[]) => paths.map((p) => p.slice(dir.length + 1))

describe('collectDocuments', () => {
  it('reads every text file a course uses, and says why it skipped the others', async () => {
    await write('course/01-intro.md')
    await write('course/02-images.mdx')
    await write('course/03-post.markdown')
    await write('course/04-notes.txt')
    await write('course/app/requirements.txt', 'fastapi==0.115.0\n')
    await write('course/app/main.py', 'print(1)\n')
    await write('course/CHANGELOG.md')
    await write('course/LICENSE')
    await write('course/README.md', '# Chapter\n\nBuild it with `docker build -t app .`\n')
    await write('course/notes/README.md', '# Notes\n\nMeeting notes, nothing else.\n')
    await write('course/.drafts/05-draft.md')
    await write('course/node_modules/pkg/README.md', '# docker\n')

    const found = await collectDocuments([join(dir, 'course')])
    expect(rel(found)).toEqual([
      'course/01-intro.md',
      'course/02-images.mdx',
      'course/03-post.markdown',
      'course/04-notes.txt',
      'course/README.md',
    ])
    expect(found.skipped.map((s) => [s.path.slice(dir.length + 1), s.reason])).toEqual([
      ['course/app/main.py', 'not a document type (.py)'],
      ['course/app/requirements.txt', 'a data file, not prose'],
      ['course/CHANGELOG.md', "a project's housekeeping file, not a lesson"],
      ['course/LICENSE', 'not a document type (no extension)'],
      ['course/notes/README.md', 'a README that says nothing about Docker'],
    ])
    expect(found.orphans).toEqual([])
  })

  it('reads a file given by name whatever it is called', async () => {
    await write('README.md', '# nothing about containers\n')
    expect(rel(await collectDocuments([join(dir, 'README.md')]))).toEqual(['README.md'])
  })

  it('names a summary card or export whose lesson is not in the run, and whether the lesson exists', async () => {
    await write('lessons/a.md')
    await write('lessons/a.summary.md')
    await write('lessons/b.transcript.txt')
    const found = await collectDocuments([
      join(dir, 'lessons/a.summary.md'),
      join(dir, 'lessons/b.transcript.txt'),
    ])
    expect(found.orphans.map((o) => [o.path.slice(dir.length + 1), o.role, o.lessonExists])).toEqual([
      ['lessons/a.summary.md', 'summary', true],
      ['lessons/b.transcript.txt', 'transcript', false],
    ])
    expect((await collectDocuments([join(dir, 'lessons')])).orphans.map((o) => o.role)).toEqual([
      'transcript',
    ])
  })
})

describe('isDocumentName', () => {
  it.each([
    ['lesson.md', true],
    ['page.mdx', true],
    ['post.markdown', true],
    ['x.transcript.txt', true],
    ['requirements-dev.txt', false],
    ['CHANGELOG.md', false],
    ['LICENSE.md', false],
    ['Dockerfile', false],
  ])('%s → %s', (name, expected) => {
    expect(isDocumentName(name)).toBe(expected)
  })
})
