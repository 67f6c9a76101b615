/**
 * The one patcher: edits of a document (a span on a line, or a block of lines) turned into the
 * edited text and into a unified diff that `git apply` takes. lessonproof never writes a lesson
 * itself unless asked; it hands an author this diff to review.
 */

import { formatPatch, structuredPatch } from 'diff'
import { z } from 'zod'

/** Replace one exact span of one line. */
export const SpanEdit = z.object({
  /** The line (1-based). */
  line: z.number().int().positive(),
  /** The exact text on that line to replace. @example "115MB" */
  old: z.string().min(1),
  /** What is written instead. @example "131MB" */
  new: z.string(),
  /** The 1-based column `old` starts at; needed when `old` occurs more than once on the line. */
  column: z.number().int().positive().optional(),
})
export type SpanEdit = z.infer<typeof SpanEdit>

/** Replace whole lines (a claimed output block, say). */
export const BlockEdit = z.object({
  /** The first line replaced (1-based). */
  from: z.number().int().positive(),
  /** The last line replaced, inclusive; `from - 1` inserts before `from`. */
  to: z.number().int().nonnegative(),
  /** The lines as they stand, checked so that no edit is made against a changed document. */
  old: z.array(z.string()),
  /** The lines written instead, without line endings. */
  lines: z.array(z.string()),
})
export type BlockEdit = z.infer<typeof BlockEdit>

export const Edit = z.union([SpanEdit, BlockEdit])
export type Edit = z.infer<typeof Edit>

/** An edit that does not fit the document: what was expected at the line, and what is there. */
export class PatchError extends Error {
  override readonly name = 'PatchError'
  constructor(
    readonly path: string,
    readonly line: number,
    readonly reason: string,
    readonly received?: string,
  ) {
    super(
      `${path}:${line}: ${reason}${received === undefined ? '' : `\n  found: ${JSON.stringify(received)}`}`,
    )
  }
}

interface Line {
  text: string
  /** "\n", "\r\n", or "" for a last line without one. */
  eol: string
}

function splitLines(text: string): Line[] {
  const lines: Line[] = []
  const re = /([^\r\n]*)(\r\n|\n|$)/g
  for (const m of text.matchAll(re)) {
    if (m[0] === '' && (m.index ?? 0) >= text.length) break
    lines.push({ text: m[1] ?? '', eol: m[2] ?? '' })
  }
  return lines
}

/** The document's own line ending, for lines a block writes. */
function lineEnding(lines: Line[]): string {
  const crlf = lines.filter((l) => l.eol === '\r\n').length
  return crlf > lines.length / 2 ? '\r\n' : '\n'
}

interface Placed {
  line: number
  start: number
  end: number
  replacement: string
}

function placeSpan(path: string, lines: Line[], edit: SpanEdit): Placed {
  const line = lines[edit.line - 1]
  if (!line)
    throw new PatchError(path, edit.line, `there is no line ${edit.line} (the document has ${lines.length})`)
  let start: number
  if (edit.column !== undefined) {
    start = edit.column - 1
    if (line.text.slice(start, start + edit.old.length) !== edit.old) {
      throw new PatchError(
        path,
        edit.line,
        `expected ${JSON.stringify(edit.old)} at column ${edit.column}`,
        line.text,
      )
    }
  } else {
    start = line.text.indexOf(edit.old)
    if (start < 0)
      throw new PatchError(path, edit.line, `expected ${JSON.stringify(edit.old)} on this line`, line.text)
    if (line.text.indexOf(edit.old, start + 1) >= 0) {
      throw new PatchError(
        path,
        edit.line,
        `${JSON.stringify(edit.old)} occurs more than once: give its column`,
        line.text,
      )
    }
  }
  return { line: edit.line, start, end: start + edit.old.length, replacement: edit.new }
}

function checkBlock(path: string, lines: Line[], edit: BlockEdit): void {
  if (edit.to < edit.from - 1)
    throw new PatchError(path, edit.from, `a block cannot end (${edit.to}) before it starts`)
  if (edit.to > lines.length)
    throw new PatchError(path, edit.to, `there is no line ${edit.to} (the document has ${lines.length})`)
  const standing = lines.slice(edit.from - 1, edit.to).map((l) => l.text)
  if (standing.length !== edit.old.length || standing.some((t, k) => t !== edit.old[k])) {
    const at = standing.findIndex((t, k) => t !== edit.old[k])
    const line = edit.from + Math.max(0, at)
    throw new PatchError(
      path,
      line,
      `the block of lines ${edit.from}–${edit.to} is not what the edit expects${at < 0 ? ` (${edit.old.length} lines expected)` : `: expected ${JSON.stringify(edit.old[at] ?? '')}`}`,
      standing[Math.max(0, at)] ?? '',
    )
  }
}

/** The document with every edit made. Edits may come in any order; overlapping edits are refused. */
export function applyEdits(text: string, edits: readonly Edit[], path = 'document'): string {
  const lines = splitLines(text)
  const eol = lineEnding(lines)
  const spans: Placed[] = []
  const blocks: BlockEdit[] = []
  for (const edit of edits) {
    if ('from' in edit) {
      checkBlock(path, lines, edit)
      blocks.push(edit)
    } else spans.push(placeSpan(path, lines, edit))
  }

  // Overlaps: two spans over the same characters, two blocks over the same lines, a span inside a block.
  spans.sort((a, b) => a.line - b.line || a.start - b.start)
  for (let k = 1; k < spans.length; k++) {
    const prev = spans[k - 1] as Placed
    const cur = spans[k] as Placed
    if (prev.line === cur.line && cur.start < prev.end)
      throw new PatchError(path, cur.line, 'two edits overlap on this line')
  }
  // Insertions before a line come before a block that replaces it.
  blocks.sort((a, b) => a.from - b.from || a.to - b.to)
  for (let k = 1; k < blocks.length; k++) {
    const prev = blocks[k - 1] as BlockEdit
    const cur = blocks[k] as BlockEdit
    if (cur.from <= prev.to || (cur.from === prev.from && cur.to < cur.from && prev.to < prev.from)) {
      throw new PatchError(path, cur.from, 'two block edits overlap')
    }
  }
  for (const span of spans) {
    if (blocks.some((b) => span.line >= b.from && span.line <= b.to)) {
      throw new PatchError(path, span.line, 'an edit falls inside a block another edit replaces')
    }
  }

  for (const span of [...spans].reverse()) {
    const line = lines[span.line - 1] as Line
    line.text = `${line.text.slice(0, span.start)}${span.replacement}${line.text.slice(span.end)}`
  }
  for (const block of [...blocks].reverse()) {
    const previous = lines[block.from - 2]
    if (block.from - 1 === lines.length && previous && previous.eol === '' && block.lines.length > 0) {
      // Appending after a last line that has no line ending: it gets one, the new last line none.
      previous.eol = eol
      lines.push(...block.lines.map((t, k) => ({ text: t, eol: k === block.lines.length - 1 ? '' : eol })))
      continue
    }
    const last = lines[block.to - 1]
    const written = block.lines.map((t, k) => ({
      text: t,
      // The block's last line keeps the ending the replaced last line had (none at the end of a file).
      eol: k === block.lines.length - 1 && last && block.to === lines.length ? last.eol : eol,
    }))
    lines.splice(block.from - 1, block.to - block.from + 1, ...written)
  }
  return lines.map((l) => `${l.text}${l.eol}`).join('')
}

/**
 * A unified diff of the edits, with `a/<path>` and `b/<path>` as `git diff` writes them, for
 * `git apply`; empty when the edits change nothing.
 */
export function makePatch(path: string, text: string, edits: readonly Edit[], context = 3): string {
  const edited = applyEdits(text, edits, path)
  if (edited === text) return ''
  const patch = structuredPatch(`a/${path}`, `b/${path}`, text, edited, undefined, undefined, { context })
  return formatPatch({ ...patch, isGit: true })
}

/** One diff for several documents, in the order given; documents without a change are left out. */
export function makePatchSet(
  documents: readonly { path: string; text: string; edits: readonly Edit[] }[],
): string {
  return documents.map((d) => makePatch(d.path, d.text, d.edits)).join('')
}
