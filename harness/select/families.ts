/** Lesson families: a lesson and the documents named after it (its card, earlier revision, export). */
import { readdir } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { documentRole, loadDocument } from '../parse/index.js'
import { isDocumentName } from '../verify/index.js'

/** The family a document belongs to: the path of its lesson (`x.summary.md` → `x.md`). */
export function familyOf(path: string): string {
  return documentRole(path).lessonPath
}

/** Documents grouped by family, families and their documents in code-unit order. */
export function groupFamilies(paths: string[]): Map<string, string[]> {
  const families = new Map<string, string[]>()
  for (const path of [...new Set(paths)].sort(byCodeUnits)) {
    const key = familyOf(path)
    families.set(key, [...(families.get(key) ?? []), path])
  }
  return new Map([...families].sort(([a], [b]) => byCodeUnits(a, b)))
}

/** Every document of a family that exists next to its lesson (paths as `lessonPath` writes them). */
export async function familyOnDisk(lessonPath: string, cwd: string): Promise<string[]> {
  const dir = dirname(lessonPath)
  let names: string[]
  try {
    names = await readdir(resolve(cwd, dir))
  } catch {
    return []
  }
  return names
    .filter((name) => isDocumentName(name) && familyOf(join(dir, name)) === join(dir, basename(lessonPath)))
    .map((name) => (dir === '.' ? name : `${dir}/${name}`))
    .sort(byCodeUnits)
}

/** A family and what verifying it costs: the iterations (docker build commands) it builds. */
export interface WeighedFamily {
  lessonPath: string
  documents: string[]
  iterations: number
}

/** Each document's iterations (docker build commands it builds); an unreadable one counts none. */
export async function countIterations(paths: string[], cwd: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const path of paths) {
    let n = 0
    if (documentRole(path).role !== 'transcript') {
      try {
        n = (await loadDocument(resolve(cwd, path))).iterations.length
      } catch {
        // Reported as unreadable by the run that verifies it, whichever shard that is.
      }
    }
    counts.set(path, n)
  }
  return counts
}

/** Groups documents into families and weighs each by the iterations its documents build. */
export async function weighFamilies(paths: string[], cwd: string): Promise<WeighedFamily[]> {
  const counts = await countIterations(paths, cwd)
  return [...groupFamilies(paths)].map(([lessonPath, documents]) => ({
    lessonPath,
    documents,
    iterations: documents.reduce((sum, d) => sum + (counts.get(d) ?? 0), 0),
  }))
}

/** Code-unit order: the same on every machine, whatever its locale. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
