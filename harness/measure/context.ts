/**
 * An iteration's build context: a temp dir of the lesson's files, which the janitor removes when
 * the run ends or is interrupted.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Janitor } from '../engine/index.js'

/**
 * Writes `files` into a new temp dir (over a copy of `from`, the directory a walk's steps left,
 * when given) and returns its path. Once the janitor has begun cleaning
 * (Ctrl-C), it writes no further file and throws; the janitor's removal waits for the write under
 * way, since a file written into a subdirectory after the removal would bring the dir back.
 */
export async function writeContext(
  files: Record<string, string>,
  janitor: Janitor,
  runId: string,
  from?: string,
): Promise<string> {
  if (janitor.closing) throw new Error('interrupted: not writing another build context')
  const context = await mkdtemp(join(tmpdir(), `lessonproof-${runId}-context-`))
  let writing: Promise<void> = Promise.resolve()
  janitor.add(`temp dir ${context}`, async () => {
    await writing.catch(() => undefined)
    await rm(context, { recursive: true, force: true })
  })
  writing = (async () => {
    if (from) await cp(from, context, { recursive: true })
    for (const [name, content] of Object.entries(files)) {
      if (janitor.closing) throw new Error('interrupted: not writing the rest of the build context')
      await mkdir(dirname(join(context, name)), { recursive: true })
      await writeFile(join(context, name), content)
    }
  })()
  await writing
  return context
}
