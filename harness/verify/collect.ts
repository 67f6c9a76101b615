import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { UsageError } from '../errors.js'

const DOCUMENT = /\.(md|mdx|txt)$/i
const SKIP = /^(readme|changelog|license)\.(md|txt)$/i

/** Whether a file of this name is a lesson document when a directory is searched. */
export function isDocumentName(name: string): boolean {
  return DOCUMENT.test(name) && !SKIP.test(name)
}

/** Documents under the given paths: files as given, directories searched recursively. */
export async function collectDocuments(paths: string[]): Promise<string[]> {
  const found: string[] = []
  for (const path of paths) {
    let info: Awaited<ReturnType<typeof stat>>
    try {
      info = await stat(path)
    } catch {
      throw new UsageError(`${path}: no such file or directory`)
    }
    if (info.isDirectory()) found.push(...(await walk(path)))
    else found.push(path)
  }
  return [...new Set(found)]
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const out: string[] = []
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await walk(path)))
    else if (isDocumentName(entry.name)) out.push(path)
  }
  return out
}
