/**
 * The report directory `lessonproof drift --report DIR` writes: report.json (the `DriftReport`
 * schema), report.md, report.html and suggested.patch (empty when there is nothing to suggest).
 * Each file is written to a temp file beside it and renamed over it, so no reader sees half a
 * report; a run that ends in an error writes none of them.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { renderHtml } from './html.js'
import { renderMarkdown } from './markdown.js'
import { DriftReport } from './report.js'

export const REPORT_FILES = ['report.json', 'report.md', 'report.html', 'suggested.patch'] as const

export async function writeDriftReport(dir: string, report: DriftReport): Promise<string[]> {
  const valid = DriftReport.parse(report)
  const contents: Record<(typeof REPORT_FILES)[number], string> = {
    'report.json': `${JSON.stringify(valid, null, 2)}\n`,
    'report.md': renderMarkdown(valid),
    'report.html': renderHtml(valid),
    'suggested.patch': valid.patch ?? '',
  }
  await mkdir(dir, { recursive: true })
  const written: string[] = []
  for (const name of REPORT_FILES) {
    const file = join(dir, name)
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`
    try {
      await writeFile(temp, contents[name])
      await rename(temp, file)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
    written.push(file)
  }
  return written
}
