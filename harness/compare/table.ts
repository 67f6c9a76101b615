/**
 * Whitespace-aligned tables as Docker prints them (`docker images`, `ps`, `history`, `--format
 * "table …"`): Go's tabwriter pads each column to its widest cell plus 3 spaces. A lesson's copy
 * may be re-spaced by hand, so rows are read into cells and compared by column, never by spacing.
 */

import { isElision } from './align.js'

export interface Table {
  /** Column names as the header writes them ("IMAGE ID", "CREATED BY"). */
  columns: string[]
  /** Every line after the header: its cells, or an elision. */
  rows: TableRow[]
}

export type TableRow = { elision: true; text: string } | { elision: false; text: string; cells: string[] }

/** A header cell: capitals, digits and the few signs Docker's headers use ("CPU %", "NET I/O"). */
const HEADER_CELL = /^[A-Z][A-Z0-9 %/._-]*$/

/** Cells of a line split on runs of two or more spaces, or tabs, with their start columns. */
function spans(line: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = []
  for (const match of line.matchAll(/\S+(?: \S+)*/g)) {
    const text = match[0]
    const start = match.index ?? 0
    // A single tab separates cells, like two spaces do.
    let offset = 0
    for (const part of text.split('\t')) {
      if (part !== '') out.push({ text: part, start: start + offset })
      offset += part.length + 1
    }
  }
  return out
}

/** The header of a table, when the line is one: two or more capitalised cells. */
export function readHeader(line: string): { name: string; start: number }[] | undefined {
  const cells = spans(line.trimEnd())
  if (cells.length < 2 || !cells.every((c) => HEADER_CELL.test(c.text))) return undefined
  return cells.map((c) => ({ name: c.text, start: c.start }))
}

/**
 * The cells of a row. Where the row is aligned with the header (each column starts after a
 * space) the header's columns slice it, so a cell may hold double spaces (`#(nop)  CMD`) or be
 * empty (PORTS of a stopped container); otherwise the row is split on runs of spaces.
 */
export function readRow(line: string, header: { name: string; start: number }[]): string[] {
  const row = line.trimEnd()
  const aligned =
    !row.includes('\t') &&
    header.every((col, k) => k === 0 || col.start >= row.length || row[col.start - 1] === ' ') &&
    (header[0]?.start ?? 0) === row.search(/\S|$/)
  if (aligned) {
    return header.map((col, k) => row.slice(col.start, header[k + 1]?.start ?? row.length).trim())
  }
  const cells = spans(row).map((s) => s.text)
  // More cells than columns: the last column took spaces of its own (a command, say).
  if (cells.length > header.length && header.length > 0) {
    const head = cells.slice(0, header.length - 1)
    return [...head, cells.slice(header.length - 1).join('  ')]
  }
  while (cells.length < header.length) cells.push('')
  return cells
}

/** Reads a block as a table when its first line is a header; `undefined` otherwise. */
export function readTable(lines: string[]): Table | undefined {
  const [first, ...rest] = lines
  if (first === undefined) return undefined
  const header = readHeader(first)
  if (!header) return undefined
  return {
    columns: header.map((h) => h.name),
    rows: rest.map((text) =>
      isElision(text) ? { elision: true, text } : { elision: false, text, cells: readRow(text, header) },
    ),
  }
}

/**
 * Renders rows as Docker does (tabwriter: minimum width 10, padding 3, the last column not
 * padded), so a row written into an author's table lines up with Docker's own.
 */
export function renderTable(columns: string[], rows: (string[] | string)[]): string[] {
  const cellsOf = (row: string[] | string) => (typeof row === 'string' ? undefined : row)
  const widths = columns.map((name, k) =>
    Math.max(10, 3 + Math.max(name.length, ...rows.map((r) => (cellsOf(r)?.[k] ?? '').length))),
  )
  const line = (cells: string[]) =>
    cells
      .map((cell, k) => (k === cells.length - 1 ? cell : cell.padEnd(widths[k] ?? 10)))
      .join('')
      .trimEnd()
  return [line(columns), ...rows.map((r) => (typeof r === 'string' ? r : line(r)))]
}
