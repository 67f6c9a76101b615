/** `lessonproof report merge FILE…`: the shards' JSON reports as the report of one run. */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { UsageError } from '../errors.js'
import { Report } from '../model/report.js'
import { mergeReports } from '../report/merge.js'

/** Reads and merges the reports; a file that is not a lessonproof JSON report is a usage error. */
export async function readAndMerge(files: string[], cwd: string): Promise<Report> {
  if (files.length === 0) throw new UsageError('report merge needs at least one JSON report')
  const reports: Report[] = []
  for (const file of files) {
    let data: unknown
    try {
      data = JSON.parse(await readFile(resolve(cwd, file), 'utf8'))
    } catch (cause) {
      const why = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message
      throw new UsageError(`${file}: cannot read a JSON report (${why})`, { cause })
    }
    const parsed = Report.safeParse(data)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new UsageError(
        `${file}: not a lessonproof report: ${issue?.path.join('.') || 'top level'} ${issue?.message ?? ''}`,
        { cause: parsed.error },
      )
    }
    reports.push(parsed.data)
  }
  return mergeReports(reports)
}
