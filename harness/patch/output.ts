/**
 * A claimed output block rewritten to what a run printed, in the author's form: lines that
 * still hold stay as the author wrote them (their IDs, times, rounded sizes), elisions stay
 * where a line beside them still holds, table rows keep the author's columns and spacing, and
 * JSON keeps the author's key order and indentation.
 */

import {
  type AlignOp,
  alignOutput,
  CompareOptions,
  formatJsonLike,
  isElision,
  isVolatileColumn,
  type Json,
  lineDiffers,
  mergeHeld,
  type OutputAlignment,
  readHeader,
  readJson,
  renderTable,
  type Table,
} from '../compare/index.js'
import type { BlockEdit } from './edits.js'

function holds(op: AlignOp | undefined): boolean {
  // The block's edge is an anchor that holds.
  return op === undefined || op.kind === 'match'
}

/** An elision stays when a unit beside it still holds; otherwise the units it stood for are written. */
function keepsElision(ops: AlignOp[], k: number): boolean {
  return holds(ops[k - 1]) || holds(ops[k + 1])
}

/** A changed line; a JSON line is written in the claimed line's style, keeping the values that hold. */
function changedLine(claimed: string, actual: string, options: CompareOptions): string {
  const claimedJson = readJson(claimed)
  const actualJson = readJson(actual)
  if (claimedJson === undefined || actualJson === undefined) return actual
  const merged = mergeHeld(claimedJson, actualJson, jsonSettings(options))
  const indent = /^\s*/.exec(claimed)?.[0] ?? ''
  return `${indent}${formatJsonLike(merged, claimed.trim())}`
}

function jsonSettings(options: CompareOptions) {
  const { sizeTolerancePct, volatile } = CompareOptions.parse(options)
  return { sizeTolerancePct, volatile }
}

function replaceLines(al: OutputAlignment, options: CompareOptions): string[] {
  const out: string[] = []
  let next = 0
  const flush = (until: number) => {
    for (; next < until; next++) out.push(al.claimed[next] ?? '')
  }
  const actualLine = (j: number) => al.actual[al.actualUnits[j] as number] ?? ''
  al.ops.forEach((op, k) => {
    if (op.kind === 'unexpected') {
      out.push(actualLine(op.actual))
      return
    }
    flush(al.claimedUnits[op.claimed] as number)
    if (op.kind === 'match') out.push(al.claimed[next] ?? '')
    else if (op.kind === 'change')
      out.push(changedLine(al.claimed[next] ?? '', actualLine(op.actual), options))
    else if (op.kind === 'elide') {
      if (keepsElision(al.ops, k)) out.push(al.claimed[next] ?? '')
      else out.push(...op.actual.map(actualLine))
    }
    next++
  })
  flush(al.claimed.length)
  return out
}

/** A table line to write: an elision's text, or a row's cells (with the author's text when it held). */
type Entry = { text: string } | { cells: string[]; authorText?: string }

/** Rows written at the author's column positions, or `undefined` when a cell no longer fits. */
function inAuthorsLayout(headerLine: string, entries: Entry[]): string[] | undefined {
  const header = readHeader(headerLine)
  if (!header) return undefined
  const lines: string[] = [headerLine]
  for (const entry of entries) {
    if ('text' in entry) {
      lines.push(entry.text)
      continue
    }
    if (entry.authorText !== undefined) {
      lines.push(entry.authorText)
      continue
    }
    let line = ''
    for (const [k, col] of header.entries()) {
      const cell = entry.cells[k] ?? ''
      // Two spaces at least between cells, or the row would read as other columns.
      if (k > 0 && line.trimEnd().length + 2 > col.start) return undefined
      line = line.padEnd(col.start) + cell
    }
    lines.push(line.trimEnd())
  }
  return lines
}

function replaceTable(al: OutputAlignment, options: CompareOptions): string[] {
  const {
    claimed: ct,
    actual: at,
    actualOrder,
  } = al.table as { claimed: Table; actual: Table; actualOrder: number[] }
  const first = al.claimedUnits[0] as number
  const last = al.claimedUnits.at(-1) as number
  const before = al.claimed.slice(0, first)
  const after = al.claimed.slice(last + 1)
  const headerChanged = al.ops.some((op) => op.kind !== 'match' && 'claimed' in op && op.claimed === 0)
  if (headerChanged) return [...before, ...al.actualUnits.map((k) => al.actual[k] ?? ''), ...after]

  const actualCells = (j: number) => {
    const row = at.rows[actualOrder[j - 1] as number]
    return row && !row.elision ? row.cells : []
  }
  const entries: Entry[] = []
  let changed = false
  al.ops.forEach((op, k) => {
    if (op.kind === 'unexpected') {
      if (op.actual > 0) entries.push({ cells: actualCells(op.actual) })
      changed = true
      return
    }
    if (op.claimed === 0) return
    const row = ct.rows[op.claimed - 1]
    if (!row) return
    if (op.kind === 'match')
      entries.push(row.elision ? { text: row.text } : { cells: row.cells, authorText: row.text })
    else if (op.kind === 'missing') changed = true
    else if (op.kind === 'elide') {
      if (keepsElision(al.ops, k)) entries.push({ text: row.text })
      else {
        entries.push(...op.actual.map((j) => ({ cells: actualCells(j) })))
        changed = true
      }
    } else if (!row.elision) {
      // A changed row keeps every cell that still holds, and takes the run's where it does not.
      const actual = actualCells(op.actual)
      const cells = row.cells.map((cell, c) => {
        const name = ct.columns[c] ?? ''
        const measured = actual[at.columns.indexOf(name)] ?? ''
        const held =
          isElision(cell) ||
          isVolatileColumn(name, ct.columns, options) ||
          lineDiffers(cell, measured, options) === undefined
        return held ? cell : measured
      })
      entries.push({ cells })
      changed = true
    }
  })
  if (!changed) return al.claimed

  // Rows that held keep the author's text while the author's layout still fits the new cells.
  const headerLine = al.claimed[first] ?? ''
  const rows =
    inAuthorsLayout(headerLine, entries) ??
    renderTable(
      ct.columns,
      entries.map((e) => ('text' in e ? e.text : e.cells)),
    )
  return [...before, ...rows, ...after]
}

function replaceJson(al: OutputAlignment, options: CompareOptions): string[] {
  const json = al.json as { claimed: Json; actual: Json | undefined }
  const first = al.claimedUnits[0] as number
  const last = al.claimedUnits.at(-1) as number
  const before = al.claimed.slice(0, first)
  const after = al.claimed.slice(last + 1)
  if (json.actual === undefined)
    return [...before, ...al.actualUnits.map((k) => al.actual[k] ?? ''), ...after]
  const merged = mergeHeld(json.claimed, json.actual, jsonSettings(options))
  const claimedText = al.claimed.slice(first, last + 1).join('\n')
  return [...before, ...formatJsonLike(merged, claimedText).split('\n'), ...after]
}

/**
 * The claimed block as this run would have it, in the author's form; the claimed text itself
 * when every line holds. Line endings are "\n"; a trailing one is kept when the claim had it.
 */
export function replaceOutput(claimed: string, actual: string, options: CompareOptions = {}): string {
  const al = alignOutput(claimed, actual, options)
  let lines: string[]
  if (al.mode === 'json') lines = replaceJson(al, options)
  else if (al.mode === 'table') lines = replaceTable(al, options)
  else lines = replaceLines(al, options)
  if (
    lines === al.claimed ||
    (lines.length === al.claimed.length && lines.every((l, k) => l === al.claimed[k]))
  ) {
    return claimed
  }
  return `${lines.join('\n')}${/\r?\n$/.test(claimed) ? '\n' : ''}`
}

/**
 * The edit that rewrites a claimed output block of a document (its lines, from line `from`) to
 * what the run printed; `undefined` when the block holds as written.
 */
export function outputEdit(
  block: { from: number; lines: string[] },
  actual: string,
  options: CompareOptions = {},
): BlockEdit | undefined {
  const claimed = block.lines.map((l) => `${l}\n`).join('')
  const replaced = replaceOutput(claimed, actual, options)
  if (replaced === claimed) return undefined
  const lines = replaced.replace(/\n$/, '').split('\n')
  return { from: block.from, to: block.from + block.lines.length - 1, old: block.lines, lines }
}
