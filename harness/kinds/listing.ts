/**
 * A claimed `ls -l` of the project lists the files the document has the reader create, at
 * their sizes: a listing is the reader's screen after following the document, so a file shown
 * at 79 bytes cannot be listed at 1047, and a file no step creates cannot be listed at all.
 * Only byte counts are held (`ls -lh` rounds), within what an editor adds (a final newline, CRLF).
 */
import { z } from 'zod'
import type { Check, FileVersion } from '../model/index.js'
import { defineKind, fail, pass } from './kit/index.js'

/** Commands that make files the document does not show: a reviewer cannot tell what they made. */
const GENERATES =
  /^(?:git clone|docker init|npm init|npm create|npx create-|yarn create|pnpm create|cargo new|cargo init|go mod init|uv init|poetry new|poetry init|django-admin|rails new|dotnet new|curl\b.*\s-[oO]|wget\b|unzip|tar\b.*\s-?x)/

/** What an editor may write for a text shown in a document: as is, with a final newline, with CRLF. */
export function plausibleSizes(content: string): number[] {
  const bytes = Buffer.byteLength(content, 'utf8')
  const lines = content.split('\n').length
  return [...new Set([bytes, bytes + 1, bytes + lines - 1, bytes + lines])]
}

export const listing = defineKind({
  id: 'listing',
  fields: {
    name: z.string(),
    /** The size listed, in bytes. */
    bytes: z.number().int().nonnegative(),
    /** The file as the document shows it then, if it does. */
    file: z.object({ line: z.number().int(), sizes: z.array(z.number().int()) }).optional(),
    /** The document runs commands that make files it does not show (`git clone`, `docker init`). */
    generated: z.boolean(),
  },

  extract(x, emit) {
    const lists = x.doc.tables.filter((t) => t.kind === 'ls' && t.origin === 'output')
    if (lists.length === 0) return
    const generated = x.doc.commands.some((c) => GENERATES.test(c.text))
    const creates = new Set(
      x.doc.commands.flatMap((c) => {
        const argv = c.argv
        if (argv[0] === 'touch' || argv[0] === 'mkdir') return argv.slice(1).filter((a) => !a.startsWith('-'))
        if (argv[0] === 'cp' || argv[0] === 'mv') return argv.slice(-1)
        const redirect = /(?:^|\s)>>?\s*(\S+)/.exec(c.text)
        return redirect?.[1] ? [redirect[1]] : []
      }),
    )
    for (const table of lists) {
      const argv = table.command?.split(/\s+/) ?? []
      // A listing of the project: `ls -l`, `ls -la`, not of another path nor human-readable sizes.
      if (argv.some((a) => /^-\w*h/.test(a)) || argv.slice(1).some((a) => !a.startsWith('-') && a !== '.'))
        continue
      for (const row of table.rows) {
        const [mode = '', , , , size = '', , name = ''] = row.cells
        if (!mode.startsWith('-') || !/^\d+$/.test(size) || name === '' || name.includes(' -> ')) continue
        const versions = x.doc.files.filter((f) => f.name === name && f.alternativeTo === undefined)
        const shown: FileVersion | undefined = versions.filter((f) => f.line < row.line).at(-1) ?? versions[0]
        if (!shown && (generated || creates.has(name))) continue
        emit({
          line: row.line,
          title: `ls lists ${name} at ${size} bytes, as the document makes it`,
          quote: `${table.command ?? 'ls -l'} ${name} ${size}`,
          subject: name,
          name,
          bytes: Number(size),
          ...(shown ? { file: { line: shown.line, sizes: plausibleSizes(shown.content) } } : {}),
          generated,
        })
      }
    }
  },

  check(claim) {
    const checks: Check[] = []
    if (!claim.file) {
      checks.push(
        fail(
          'the document makes the file',
          `${claim.name} is listed, but no step of the document creates it`,
          {
            expected: 'a file the document creates',
            measured: claim.name,
          },
        ),
      )
      return checks
    }
    const name = 'the size is the file the document shows'
    const sizes = claim.file.sizes
    checks.push(
      sizes.includes(claim.bytes)
        ? pass(name, `${claim.bytes} bytes: ${claim.name} as shown at line ${claim.file.line}`)
        : fail(
            name,
            `${claim.name} is listed at ${claim.bytes} bytes, but the file shown at line ${claim.file.line} is ${sizes[1] ?? sizes[0]} bytes (with its final newline)`,
            { expected: String(sizes[1] ?? sizes[0]), measured: String(claim.bytes) },
          ),
    )
    return checks
  },

  measured: false,
})
