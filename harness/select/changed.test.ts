import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execa } from 'execa'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { changedDocuments, defaultBase, gitIn } from './changed.js'

let dir: string

const git = (...args: string[]) =>
  execa('git', ['-c', 'user.name=lessonproof', '-c', 'user.email=tests@lessonproof.invalid', ...args], {
    cwd: dir,
  })

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true })
  await writeFile(join(dir, path), text)
}

async function commit(message: string, files: Record<string, string | null>): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    if (text === null) await git('rm', '-q', '--', path)
    else await write(path, text)
  }
  await git('add', '-A')
  await git('commit', '-q', '-m', message)
  return (await git('rev-parse', 'HEAD')).stdout.trim()
}

const changed = (base?: string, paths = ['lessons']) =>
  changedDocuments({ paths, cwd: dir, ...(base ? { base } : {}) })

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lessonproof-changed-'))
  await git('init', '-q', '-b', 'main')
  await commit('a course', {
    'lessons/a.md': 'lesson a\n',
    'lessons/a.summary.md': 'card a\n',
    'lessons/a.earlier-revision.md': 'revision a\n',
    'lessons/a.transcript.txt': 'export a\n',
    'lessons/b.md': 'lesson b\n',
    'lessons/b.summary.md': 'card b\n',
    'lessons/c.md': 'lesson c\n',
    'lessons/README.md': 'about the course\n',
    'app/main.py': 'print("hello")\n',
  })
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('changedDocuments', () => {
  it('brings a changed lesson with its card, earlier revision and export', async () => {
    await commit('touch lesson a', { 'lessons/a.md': 'lesson a, edited\n' })
    expect(await changed('HEAD~1')).toMatchObject({
      base: 'HEAD~1',
      changed: ['lessons/a.md'],
      documents: [
        'lessons/a.earlier-revision.md',
        'lessons/a.md',
        'lessons/a.summary.md',
        'lessons/a.transcript.txt',
      ],
    })
  })

  it('brings a changed summary card with its lesson', async () => {
    await commit('touch card b', { 'lessons/b.summary.md': 'card b, edited\n' })
    expect(await changed('HEAD~1')).toMatchObject({
      changed: ['lessons/b.summary.md'],
      documents: ['lessons/b.md', 'lessons/b.summary.md'],
    })
  })

  it('selects nothing when only an unrelated file or a course README changed', async () => {
    await commit('touch the app and the README', {
      'app/main.py': 'print("bye")\n',
      'lessons/README.md': 'about\n',
    })
    expect(await changed('HEAD~1')).toMatchObject({ changed: [], documents: [] })
  })

  it('ignores deleted documents, and takes uncommitted and new untracked ones', async () => {
    const base = await commit('delete lesson c', { 'lessons/c.md': null })
    await write('lessons/b.md', 'lesson b, not committed yet\n')
    await write('lessons/d.md', 'lesson d, new\n')
    expect(await changed('HEAD~1')).toMatchObject({
      changed: ['lessons/b.md', 'lessons/d.md'],
      documents: ['lessons/b.md', 'lessons/b.summary.md', 'lessons/d.md'],
    })
    expect((await changed(base)).changed).toEqual(['lessons/b.md', 'lessons/d.md'])
  })

  it('looks only under the paths given, and names documents relative to the run directory', async () => {
    await commit('touch a and b', { 'lessons/a.md': 'a2\n', 'lessons/b.md': 'b2\n' })
    expect((await changed('HEAD~1', ['lessons/b.md'])).documents).toEqual([
      'lessons/b.md',
      'lessons/b.summary.md',
    ])
    const sub = await changedDocuments({ paths: ['.'], cwd: join(dir, 'lessons'), base: 'HEAD~1' })
    expect(sub.changed).toEqual(['a.md', 'b.md'])
  })

  it('refuses a base git does not know, and a directory outside a repository', async () => {
    await expect(changed('no-such-ref')).rejects.toThrow(
      "--changed: 'no-such-ref' is not a commit or tree git knows here",
    )
    const outside = await mkdtemp(join(tmpdir(), 'lessonproof-nogit-'))
    try {
      await expect(changedDocuments({ paths: ['.'], cwd: outside })).rejects.toThrow(
        '--changed needs a git repository',
      )
    } finally {
      await rm(outside, { recursive: true, force: true })
    }
  })
})

describe('defaultBase', () => {
  it('is the merge base with origin/HEAD when there is one', async () => {
    const first = (await git('rev-parse', 'HEAD')).stdout.trim()
    await git('update-ref', 'refs/remotes/origin/main', first)
    await git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main')
    await commit('touch a', { 'lessons/a.md': 'a2\n' })
    await commit('touch b', { 'lessons/b.summary.md': 'b2\n' })
    expect(await defaultBase(gitIn(dir))).toEqual({ base: first, why: 'merge base of HEAD and origin/HEAD' })
    expect((await changed()).changed).toEqual(['lessons/a.md', 'lessons/b.summary.md'])
  })

  it('is the parent of HEAD without a remote or an upstream, and the empty tree on a first commit', async () => {
    expect((await defaultBase(gitIn(dir))).why).toBe('no earlier commit: every document counts as changed')
    expect((await changed()).changed).toEqual([
      'lessons/a.earlier-revision.md',
      'lessons/a.md',
      'lessons/a.summary.md',
      'lessons/a.transcript.txt',
      'lessons/b.md',
      'lessons/b.summary.md',
      'lessons/c.md',
    ])
    await commit('touch c', { 'lessons/c.md': 'c2\n' })
    expect(await defaultBase(gitIn(dir))).toEqual({ base: 'HEAD~1', why: 'the parent of HEAD' })
    expect((await changed()).documents).toEqual(['lessons/c.md'])
  })
})
