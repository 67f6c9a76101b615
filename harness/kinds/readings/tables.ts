/**
 * The document's Markdown tables with a Size column: comparison tables (Version | Size |
 * Reduction …) whose rows name iterations, and base image tables (Base Image | Size | …).
 */
import {
  type Iteration,
  type Percent,
  parsePercent,
  parseSize,
  type Size,
  type Table,
} from '../../model/index.js'
import type { Reading } from '../kit/index.js'

const BASELINE = /^(?:-{2,}|—|–|baseline|n\/a|none)?$/i

export interface ComparisonRow {
  line: number
  label: string
  /** The row as written, cells joined: what a claim of this row quotes. */
  quote: string
  it: Iteration | undefined
  size: Size | undefined
  percent: Percent | undefined
}

export interface ComparisonTable {
  table: Table
  rows: ComparisonRow[]
  /** The row reductions are measured from: the one whose Reduction cell is empty or "Baseline", else the first. */
  base: ComparisonRow | undefined
}

export interface BaseImageRow {
  line: number
  baseImage: string
  size: Size
  quote: string
}

const sizeColumn = (table: Table) => table.header.findIndex((h) => /^(approximate\s+)?size$/i.test(h))
const quoteOf = (cells: string[]) => `| ${cells.join(' | ')} |`

export const comparisonTables: Reading<ComparisonTable[]> = (x) =>
  x.doc.tables.flatMap((table) => {
    if (table.origin !== 'markdown') return []
    const sizeAt = sizeColumn(table)
    const first = table.header[0] ?? ''
    if (
      sizeAt === -1 ||
      /base image/i.test(first) ||
      !/version|image|iteration|stage|dockerfile/i.test(first)
    )
      return []
    const reductionAt = table.header.findIndex((h) => /reduction|smaller|saved/i.test(h))
    const rows = table.rows.map(
      (row): ComparisonRow => ({
        line: row.line,
        label: row.cells[0] ?? '',
        quote: quoteOf(row.cells),
        it: x.iterations.matching(row.cells[0] ?? ''),
        size: parseSize(row.cells[sizeAt] ?? ''),
        percent: reductionAt === -1 ? undefined : parsePercent(row.cells[reductionAt] ?? ''),
      }),
    )
    const base =
      rows.find(
        (r) =>
          reductionAt !== -1 &&
          BASELINE.test((table.rows.find((t) => t.line === r.line)?.cells[reductionAt] ?? '').trim()),
      ) ?? rows[0]
    return [{ table, rows, base }]
  })

export const baseImageRows: Reading<BaseImageRow[]> = (x) =>
  x.doc.tables.flatMap((table) => {
    if (table.origin !== 'markdown') return []
    const sizeAt = sizeColumn(table)
    if (sizeAt === -1 || !/base image/i.test(table.header[0] ?? '')) return []
    return table.rows.flatMap((row) => {
      const baseImage = (row.cells[0] ?? '').split(/\s+/)[0] ?? ''
      const size = parseSize(row.cells[sizeAt] ?? '')
      return baseImage && size ? [{ line: row.line, baseImage, size, quote: quoteOf(row.cells) }] : []
    })
  })
