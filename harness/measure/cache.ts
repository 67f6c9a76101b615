/**
 * Results of earlier runs, kept while a lesson's build context and base images are unchanged.
 * Only completed measurements are kept: a failed build, a health timeout or an engine dropout is
 * measured again next time. A cache file that does not validate is ignored with a warning, and
 * a cache that cannot be written costs speed, never a verdict.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { IterationFacts } from '../model/index.js'

/** Bumped whenever what a cached result holds, or how it is measured, changes. */
export const CACHE_FORMAT = 'lessonproof-results-4'

export class ResultCache {
  constructor(
    private readonly dir: string | undefined,
    private readonly warn: (line: string) => void,
  ) {}

  private path(key: string): string {
    return join(this.dir ?? '', `${key}.json`)
  }

  async read(key: string): Promise<IterationFacts | undefined> {
    if (!this.dir) return undefined
    let text: string
    try {
      text = await readFile(this.path(key), 'utf8')
    } catch {
      return undefined
    }
    try {
      const facts = IterationFacts.parse(JSON.parse(text))
      return facts.status === 'measured' ? facts : undefined
    } catch {
      this.warn(`ignoring ${this.path(key)}: not a result this version wrote`)
      return undefined
    }
  }

  async write(key: string, facts: IterationFacts): Promise<void> {
    if (!this.dir || facts.status !== 'measured') return
    try {
      await mkdir(this.dir, { recursive: true })
      const temp = `${this.path(key)}.${process.pid}.tmp`
      await writeFile(temp, JSON.stringify({ ...facts, cached: undefined }))
      await rename(temp, this.path(key))
    } catch (error) {
      this.warn(`could not keep results in ${this.dir}: ${(error as Error).message}`)
    }
  }
}
