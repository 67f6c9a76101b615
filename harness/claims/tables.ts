import type { Extraction } from './context.js'
import { matchIteration } from './iterations.js'
import { parsePercent, parseSize } from './size.js'

const BASELINE = /^(?:-{2,}|—|–|baseline|n\/a|none)?$/i

/**
 * Claims in the lesson's Markdown tables: comparison tables (Version | Size | Reduction …)
 * and base image tables (Base Image | Size | …).
 */
export function tableClaims(x: Extraction): void {
  for (const table of x.doc.tables) {
    if (table.origin !== 'markdown') continue
    const sizeAt = table.header.findIndex((h) => /^(approximate\s+)?size$/i.test(h))
    if (sizeAt === -1) continue
    const first = table.header[0] ?? ''
    if (/base image/i.test(first)) {
      for (const row of table.rows) {
        const baseImage = (row.cells[0] ?? '').split(/\s+/)[0] ?? ''
        const size = parseSize(row.cells[sizeAt] ?? '')
        if (!baseImage || !size) continue
        x.add({
          kind: 'base-image-size',
          line: row.line,
          title: `base image ${baseImage} is ${size.text}`,
          baseImage,
          size,
        })
      }
      continue
    }
    if (!/version|image|iteration|stage|dockerfile/i.test(first)) continue
    const reductionAt = table.header.findIndex((h) => /reduction|smaller|saved/i.test(h))
    const rows = table.rows.map((row) => ({
      row,
      label: row.cells[0] ?? '',
      it: matchIteration(row.cells[0] ?? '', x.iterations),
      size: parseSize(row.cells[sizeAt] ?? ''),
    }))
    const base =
      rows.find((r) => reductionAt !== -1 && BASELINE.test((r.row.cells[reductionAt] ?? '').trim())) ??
      rows[0]
    for (const r of rows) {
      if (r.size) {
        x.add({
          kind: 'image-size',
          line: r.row.line,
          title: `${r.it?.tag ?? r.label} is ${r.size.text} (comparison table)`,
          ...x.about(r.it),
          size: r.size,
          origin: 'comparison-table',
        })
      }
      const percent = reductionAt === -1 ? undefined : parsePercent(r.row.cells[reductionAt] ?? '')
      if (!percent || !base || r === base) continue
      const from = base.it?.name ?? base.label
      const to = r.it?.name ?? r.label
      x.add({
        kind: 'reduction',
        line: r.row.line,
        title: `${from} → ${to} reduction is ${percent.text} (comparison table)`,
        ...x.about(r.it),
        percent,
        from,
        to,
        ...(base.size ? { fromSize: { line: base.row.line, size: base.size } } : {}),
        ...(r.size ? { toSize: { line: r.row.line, size: r.size } } : {}),
      })
    }
  }
}
