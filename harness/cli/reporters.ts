/**
 * `--reporter NAME[=FILE]`: which reports a run writes, and where. Every target is checked before
 * the run starts (a report that cannot be written is a usage error, not a lost run) and written
 * atomically, so a reader never sees half a report.
 */
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { access, mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { z } from 'zod'
import { UsageError } from '../errors.js'
import type { Report } from '../model/report.js'
import { annotations, appendSummary, formatText, junitReport, summaryMarkdown } from '../report/index.js'

export const ReporterName = z.enum(['text', 'json', 'junit', 'github'])
export type ReporterName = z.infer<typeof ReporterName>

export interface ReporterTarget {
  name: ReporterName
  /**
   * Absolute path; absent means stdout. For `github`, the job summary's file (annotations always
   * go to stdout, where the runner reads them).
   */
  file?: string
}

/**
 * Reads `--reporter` values (`junit=out.xml`, `github`), paths relative to `cwd`. `--json FILE`
 * is `--reporter json=FILE`; with no `--reporter`, the text report goes to stdout.
 */
export function parseReporters(specs: string[], json: string | undefined, cwd: string): ReporterTarget[] {
  const targets = specs.map((spec): ReporterTarget => {
    const at = spec.indexOf('=')
    const name = ReporterName.safeParse(at < 0 ? spec : spec.slice(0, at))
    if (!name.success)
      throw new UsageError(`--reporter takes ${ReporterName.options.join('|')}[=FILE], got '${spec}'`)
    if (at < 0) return { name: name.data }
    const file = spec.slice(at + 1)
    if (file === '') throw new UsageError(`--reporter ${name.data}= names no file`)
    return { name: name.data, file: resolve(cwd, file) }
  })
  if (targets.length === 0) targets.push({ name: 'text' })
  if (json !== undefined) targets.push({ name: 'json', file: resolve(cwd, json) })
  const files = new Map<string, string>()
  for (const t of targets) {
    if (!t.file) continue
    const other = files.get(t.file)
    if (other) throw new UsageError(`--reporter ${t.name} and ${other} both write ${t.file}`)
    files.set(t.file, t.name)
  }
  // JSON or XML mixed with other text on stdout would be unreadable.
  const onStdout = targets.filter((t) => !t.file || t.name === 'github')
  const machine = onStdout.find((t) => t.name === 'json' || t.name === 'junit')
  if (machine && onStdout.length > 1)
    throw new UsageError(
      `--reporter ${machine.name} writes to stdout, so no other report can; give it a file (${machine.name}=FILE)`,
    )
  return targets
}

async function canonical(path: string): Promise<string> {
  try {
    return await realpath(path)
  } catch {
    return resolve(path)
  }
}

/** The nearest directory that exists on the way up to `path`. */
async function existingParent(path: string): Promise<string> {
  let dir = dirname(path)
  for (;;) {
    try {
      await stat(dir)
      return dir
    } catch {
      const up = dirname(dir)
      if (up === dir) return dir
      dir = up
    }
  }
}

/** Throws a UsageError unless `file` can be written (created, or replaced) by this process. */
async function checkWritable(file: string, what: string): Promise<void> {
  const fail = (why: string) => new UsageError(`cannot write the ${what} to ${file}: ${why}`)
  try {
    const info = await stat(file)
    if (!info.isFile()) throw fail('it is not a regular file')
    await access(file, constants.W_OK)
  } catch (error) {
    if (error instanceof UsageError) throw error
    const code = (error as NodeJS.ErrnoException).code
    // Missing, or under a file: the parent check below says which.
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fail(code ?? String(error))
  }
  const parent = await existingParent(file)
  const info = await stat(parent)
  if (!info.isDirectory()) throw fail(`${parent} is not a directory`)
  try {
    await access(parent, constants.W_OK | constants.X_OK)
  } catch (error) {
    throw fail(`${parent} is not writable (${(error as NodeJS.ErrnoException).code})`)
  }
}

export interface Protected {
  /** The run's lesson documents (absolute paths). */
  documents: string[]
  /** The ledger's path, whether or not it exists. */
  ledger: string
}

/**
 * Checks every report file (and the job summary) before anything is verified: writable, and
 * neither a lesson document nor the ledger, which a report must never replace.
 */
export async function checkTargets(
  targets: ReporterTarget[],
  guard: Protected,
  summaryFile?: string,
): Promise<void> {
  const ledger = await canonical(guard.ledger)
  const documents = new Set(await Promise.all(guard.documents.map(canonical)))
  const files = targets.flatMap((t) => (t.file ? [{ file: t.file, what: `${t.name} report` }] : []))
  if (summaryFile && !targets.some((t) => t.name === 'github' && t.file))
    files.push({ file: summaryFile, what: 'job summary' })
  for (const { file, what } of files) {
    const real = await canonical(file)
    if (real === ledger) throw new UsageError(`refusing to write the ${what} over the ledger ${file}`)
    if (documents.has(real))
      throw new UsageError(`refusing to write the ${what} over the lesson document ${file}`)
    await checkWritable(file, what)
  }
}

/** Writes `text` to a temp file beside `path`, then renames it over `path`. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await writeFile(temp, text)
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

export interface EmitOptions {
  /** Writes a line to stdout. */
  out: (text: string) => void
  verbose: boolean
  /** Where the `github` reporter appends the job summary (`$GITHUB_STEP_SUMMARY`) unless given a file. */
  summaryFile?: string
  /** Link base for the summary's file:line places (see `SummaryOptions.blobUrl`). */
  blobUrl?: string
  /** Annotate blocked claims as warnings. */
  annotateBlocked: boolean
}

/** Writes the report in every requested form. */
export async function emitReports(
  report: Report,
  targets: ReporterTarget[],
  options: EmitOptions,
): Promise<void> {
  for (const target of targets) {
    if (target.name === 'github') {
      for (const line of annotations(report, { blocked: options.annotateBlocked })) options.out(line)
      const summary = target.file ?? options.summaryFile
      if (summary)
        await appendSummary(
          summary,
          summaryMarkdown(report, options.blobUrl === undefined ? {} : { blobUrl: options.blobUrl }),
        )
      continue
    }
    const text =
      target.name === 'text'
        ? `${formatText(report, options.verbose)}\n`
        : target.name === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : junitReport(report)
    if (target.file) await writeAtomic(target.file, text)
    else options.out(text.replace(/\n$/, ''))
  }
}
