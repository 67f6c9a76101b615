import { readdir, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { UsageError } from '../errors.js'
import type { DocumentRole } from '../model/index.js'
import { documentRole, readDocumentBytes } from '../parse/index.js'

/** The text files a course is written in. */
const DOCUMENT = /\.(md|mdx|markdown|txt)$/i
/** A project's own housekeeping files: never a lesson. */
const HOUSEKEEPING =
  /^(changelog|changes|history|license|licence|copying|notice|authors|contributors|code_of_conduct|security|codeowners)(\.[\w.]+)?$/i
/** Text files that are data, not prose. */
const DATA_TEXT = /^(requirements|constraints)([-_.][\w.-]*)?\.txt$|^(robots|cmakelists|llms)\.txt$/i
const README = /^readme\.(md|mdx|markdown|txt)$/i
/** A README is a Docker document when it speaks of Docker at all. */
const DOCKER = /\bdocker(?:file)?\b|\bcontainer image\b/i

/** A file a directory run did not read, and why. */
export interface Skipped {
  path: string
  /** @example "not a document type (.py)" */
  reason: string
}

/** A summary card, export or earlier revision whose lesson is not among the run's documents. */
export interface Orphan {
  path: string
  role: DocumentRole
  lessonPath: string
  /** The lesson exists on disk (it is read for context) but was not given to the run. */
  lessonExists: boolean
}

/**
 * The documents of a run, in order, with what a directory search skipped and the documents
 * whose lesson is not in the run. It is the list of paths itself, so a caller that wants only
 * the paths can use it as one.
 */
export type Collection = string[] & { skipped: Skipped[]; orphans: Orphan[] }

/**
 * Whether a file of this name is read when a directory is searched: `.md`, `.mdx`, `.markdown`
 * and `.txt`, but not housekeeping files (CHANGELOG, LICENSE…) or data (`requirements.txt`).
 * A README is read only when it is a Docker document, which its name alone cannot tell.
 */
export function isDocumentName(name: string): boolean {
  return skipReason(name) === undefined
}

function skipReason(name: string): string | undefined {
  if (!DOCUMENT.test(name)) return `not a document type (${extname(name) || 'no extension'})`
  if (HOUSEKEEPING.test(name)) return "a project's housekeeping file, not a lesson"
  if (DATA_TEXT.test(name)) return 'a data file, not prose'
  return undefined
}

/**
 * Documents under the given paths: files as given, directories searched recursively (hidden
 * folders and node_modules left out). A README in a directory is read when it is a Docker
 * document: a tutorial's README is one, a project's notes are not.
 */
export async function collectDocuments(paths: string[]): Promise<Collection> {
  const found: string[] = []
  const skipped: Skipped[] = []
  for (const path of paths) {
    let info: Awaited<ReturnType<typeof stat>>
    try {
      info = await stat(path)
    } catch {
      throw new UsageError(`${path}: no such file or directory`)
    }
    if (info.isDirectory()) found.push(...(await walk(path, skipped)))
    else if (DOCUMENT.test(path)) found.push(path)
    else
      throw new UsageError(
        `${path}: not a lesson document (lessonproof reads .md, .mdx, .markdown and .txt files)`,
      )
  }
  const documents = [...new Set(found)]
  const given = new Set(documents)
  const orphans: Orphan[] = []
  for (const path of documents) {
    const { role, lessonPath } = documentRole(path)
    if (role === 'lesson' || given.has(lessonPath)) continue
    const lessonExists = await stat(lessonPath).then(
      (s) => s.isFile(),
      () => false,
    )
    orphans.push({ path, role, lessonPath, lessonExists })
  }
  return Object.assign(documents, { skipped, orphans })
}

async function walk(dir: string, skipped: Skipped[]): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const out: string[] = []
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      out.push(...(await walk(path, skipped)))
      continue
    }
    const reason = skipReason(entry.name)
    if (reason) skipped.push({ path, reason })
    else if (README.test(entry.name) && !DOCKER.test(await readmeText(path))) {
      skipped.push({ path, reason: 'a README that says nothing about Docker' })
    } else out.push(path)
  }
  return out
}

/** A README's text to look for Docker in; a FIFO or device named README is read as nothing (never opened). */
async function readmeText(path: string): Promise<string> {
  return readDocumentBytes(path).then(
    (bytes) => Buffer.from(bytes).toString('utf8'),
    () => '',
  )
}
