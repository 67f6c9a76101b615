import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { UsageError } from '../errors.js'

const DOCUMENT = /\.(md|mdx|txt)$/i
const SKIP = /^(readme|changelog|license)\.(md|txt)$/i

/** Document documents under the given paths: files as given, directories searched recursively. */
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
    else if (DOCUMENT.test(path)) found.push(path)
    else throw new UsageError(`${path}: not a lesson document (lessonproof reads .md, .mdx and .txt files)`)
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
    else if (DOCUMENT.test(entry.name) && !SKIP.test(entry.name)) out.push(path)
  }
  return out
}
