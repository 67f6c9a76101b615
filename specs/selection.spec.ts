/**
 * Selecting what a run verifies, through the CLI on a small course: `--shard i/n` for n = 1..5
 * gives every lesson family to exactly one shard, and the shards' reports merged with
 * `report merge` are the unsharded run's report; `--changed` in a git repository verifies the
 * families of the documents a commit touched.
 */
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sortReport } from '../harness/report/merge.js'
import { familyOf } from '../harness/select/index.js'
import { broken, type Course, course, courseLesson } from './support/course.js'

const FILES: Record<string, string> = {
  'lessons/a.md': courseLesson(4, '62%'),
  'lessons/a.summary.md': '# Card\n\n- The slim image is 458MB, 62% smaller than the naive one.\n',
  'lessons/a.earlier-revision.md': courseLesson(1, '62%'),
  'lessons/b.md': courseLesson(0, '50%'),
  'lessons/c.md': courseLesson(3, '40%'),
  'lessons/d.md': courseLesson(2, '62%'),
  'lessons/d.transcript.txt': 'Slimming an image\n',
  'lessons/e.md': broken(1),
  'lessons/part-2/f.md': courseLesson(6, '62%'),
  'lessons/part-2/g.md': courseLesson(0, '62%'),
  'app/main.py': 'print("not a lesson")\n',
}
const FAMILIES = [
  'lessons/a.md',
  'lessons/b.md',
  'lessons/c.md',
  'lessons/d.md',
  'lessons/e.md',
  'lessons/part-2/f.md',
  'lessons/part-2/g.md',
]

describe('--shard and report merge', () => {
  let c: Course

  beforeAll(async () => {
    c = await course(FILES)
    // c.md's false reduction goes into the ledger, by the id a run reports for it.
    await c.run(['verify', '--static', '--json', 'first.json'])
    const claim = (await c.report('first.json')).documents
      .find((d) => d.path === 'lessons/c.md')
      ?.claims.find((x) => x.kind === 'reduction' && x.verdict === 'fail')
    await c.write(
      'lessonproof-ledger.yaml',
      `- file: lessons/c.md\n  claim: ${JSON.stringify(claim?.id)}\n  reason: "reviewed: the table is wrong"\n`,
    )
    await c.run(['verify', '--static', '--json', 'all.json'])
  })

  afterAll(async () => {
    await c.remove()
  })

  it.each([1, 2, 3, 4, 5])(
    '%i shards: every family in exactly one, merged into the unsharded report',
    async (n) => {
      const files: string[] = []
      const codes: number[] = []
      for (let i = 1; i <= n; i++) {
        const { code } = await c.run([
          'verify',
          '--static',
          '--shard',
          `${i}/${n}`,
          '--json',
          `shard-${n}-${i}.json`,
        ])
        codes.push(code)
        files.push(`shard-${n}-${i}.json`)
      }
      const shards = await Promise.all(files.map((f) => c.report(f)))
      const families = shards.map((s) => [...new Set(s.documents.map((l) => familyOf(l.path)))])
      expect(families.flat().sort()).toEqual(FAMILIES)
      // A family's documents are never split between shards.
      for (const [i, shard] of shards.entries())
        for (const lesson of shard.documents) expect(families[i]).toContain(familyOf(lesson.path))

      const merged = await c.run(['report', 'merge', ...files, '--json', `merged-${n}.json`])
      const all = await c.report('all.json')
      expect(await c.report(`merged-${n}.json`)).toEqual(sortReport(all))
      expect(merged.code).toBe(all.exitCode)
      // The shards' codes combine as the whole run's: a failing claim (1) and an unreadable document
      // (2) make 3 wherever each was found; 4 (claims not verified) only when neither; else 0.
      const failing = codes.some((x) => x === 1 || x === 3)
      const unreadable = codes.some((x) => x === 2 || x === 3)
      const combined =
        failing || unreadable ? (failing ? 1 : 0) | (unreadable ? 2 : 0) : codes.includes(4) ? 4 : 0
      expect(combined).toBe(all.exitCode)
    },
  )

  it('balances shards by the iterations their families build', async () => {
    const { err } = await c.run(['verify', '--static', '--shard', '1/2', '--json', 'one.json'])
    const second = await c.run(['verify', '--static', '--shard', '2/2', '--json', 'two.json'])
    const iterations = (text: string) => Number(/lesson families, (\d+) iterations/.exec(text)?.[1])
    // a: 6 + 3 (its earlier revision), b: 2, c: 5, d: 4, e: 0 (unreadable), f: 8, g: 2 → 30 in all.
    expect(iterations(err) + iterations(second.err)).toBe(30)
    expect(Math.abs(iterations(err) - iterations(second.err))).toBeLessThanOrEqual(8)
  })
})

describe('--changed', () => {
  let c: Course
  const git = (...args: string[]) =>
    execa('git', ['-c', 'user.name=lessonproof', '-c', 'user.email=tests@lessonproof.invalid', ...args], {
      cwd: c.dir,
    })
  const commit = async (message: string, files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) await c.write(path, text)
    await git('add', '-A')
    await git('commit', '-q', '-m', message)
  }
  const verified = async (...argv: string[]) => {
    const { code, err } = await c.run(['verify', '--static', ...argv, '--json', 'changed.json'])
    return { code, err, paths: (await c.report('changed.json')).documents.map((l) => l.path) }
  }

  beforeAll(async () => {
    c = await course({})
    await git('init', '-q', '-b', 'main')
    await commit('a course', FILES)
  })

  afterAll(async () => {
    await c.remove()
  })

  it('verifies a changed lesson with its card and earlier revision', async () => {
    await commit('edit lesson a', { 'lessons/a.md': `${FILES['lessons/a.md']}\nOne more paragraph.\n` })
    const { err, paths } = await verified('--changed')
    expect(err).toContain('--changed since HEAD~1 (the parent of HEAD): 1 changed, 3 documents')
    expect(paths).toEqual(['lessons/a.earlier-revision.md', 'lessons/a.md', 'lessons/a.summary.md'])
  })

  it('verifies a changed summary card with its lesson', async () => {
    await commit('edit card a', { 'lessons/a.summary.md': '# Card\n\n- The slim image is 458MB.\n' })
    expect((await verified('--changed', 'HEAD~1')).paths).toEqual([
      'lessons/a.earlier-revision.md',
      'lessons/a.md',
      'lessons/a.summary.md',
    ])
  })

  it('verifies nothing when only an unrelated file changed, and passes', async () => {
    await commit('edit the app', { 'app/main.py': 'print("still not a lesson")\n' })
    const { code, paths } = await verified('--changed=HEAD~1')
    expect(paths).toEqual([])
    expect(code).toBe(0)
  })

  it('verifies every family a range of commits touched, within the paths given', async () => {
    await commit('edit b and f', {
      'lessons/b.md': `${FILES['lessons/b.md']}\nA note.\n`,
      'lessons/part-2/f.md': `${FILES['lessons/part-2/f.md']}\nA note.\n`,
    })
    expect((await verified('--changed', 'HEAD~4')).paths).toEqual([
      'lessons/a.earlier-revision.md',
      'lessons/a.md',
      'lessons/a.summary.md',
      'lessons/b.md',
      'lessons/part-2/f.md',
    ])
    expect((await verified('--changed', 'HEAD~4', 'lessons/part-2')).paths).toEqual(['lessons/part-2/f.md'])
  })
})
