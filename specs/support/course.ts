/** A small course written inline for the reporter and selection specs, run through the CLI in a temp dir. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { type Io, main } from '../../harness/cli/main.js'
import { Report } from '../../harness/model/report.js'
import { lessonBuilding, NAIVE, SLIM } from '../../harness/testing.js'

/** A results table; 1.21GB → 458MB is a 62.15% reduction, so anything but 62% fails. */
export const results = (reduction: string) =>
  [
    '## Results\n',
    '| Version | Size | Reduction |',
    '|---|---|---|',
    '| Naive | 1.21GB | --- |',
    `| Slim | 458MB | ${reduction} |`,
    '',
  ].join('\n')

/** A lesson with `extra` iterations before the naive and slim ones, and its results table. */
export const courseLesson = (extra: number, reduction: string) =>
  lessonBuilding(extra, NAIVE, SLIM, results(reduction))

/** The line of the slim row in a course lesson, where its reduction claim is. */
export const slimRow = (text: string) => text.split('\n').findIndex((l) => l.startsWith('| Slim |')) + 1

/** A lesson with a NUL byte (a screenshot pasted as bytes): unreadable, reported at that line. */
export const broken = (extra: number) =>
  `${courseLesson(extra, '62%')}\nA screenshot pasted as bytes:\n\n\u0000PNG\n`

/** The line of a broken lesson's NUL byte. */
export const brokenLine = (text: string) => text.split('\n').indexOf('\u0000PNG') + 1

export interface Course {
  dir: string
  write: (path: string, text: string) => Promise<void>
  read: (path: string) => Promise<string>
  report: (path: string) => Promise<Report>
  /** Runs the CLI in the course's directory. */
  run: (argv: string[], env?: Record<string, string>) => Promise<{ code: number; out: string; err: string }>
  remove: () => Promise<void>
}

export async function course(files: Record<string, string>): Promise<Course> {
  const dir = await mkdtemp(join(tmpdir(), 'lessonproof-course-'))
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), text)
  }
  for (const [path, text] of Object.entries(files)) await write(path, text)
  const read = (path: string) => readFile(join(dir, path), 'utf8')
  return {
    dir,
    write,
    read,
    report: async (path) => Report.parse(JSON.parse(await read(path))),
    run: async (argv, env = {}) => {
      const out: string[] = []
      const err: string[] = []
      const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), cwd: dir, env }
      const code = await main(argv, io)
      return { code, out: out.join('\n'), err: err.join('\n') }
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}
