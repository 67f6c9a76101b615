import type { Table } from '../model/index.js'

/**
 * Reads the table a docker command printed (`docker images`, `docker history`,
 * `docker images --format "table …"`) back into rows. Columns are found by meaning, not by
 * position, because lessons often misalign them by hand ("alpine-uv-image latest  e4f5…").
 */
export function outputTable(
  command: string | undefined,
  text: string,
  firstLine: number,
  section: string,
): Table | undefined {
  const lines = text.split('\n')
  const headerIndex = lines.findIndex((l) => l.trim() !== '')
  const header = lines[headerIndex]?.trim() ?? ''
  const body = lines
    .map((l, i) => ({ line: firstLine + i, text: l.trim() }))
    .slice(headerIndex + 1)
    .filter((r) => r.text !== '')
  const truncated = body.some((r) => /^(\.\.\.|…)$/.test(r.text))
  const rows = body.filter((r) => !/^(\.\.\.|…)$/.test(r.text))
  const base = { line: firstLine + headerIndex, origin: 'output' as const, section, truncated }
  const withCommand = command === undefined ? base : { ...base, command }

  if (/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE/.test(header)) {
    return {
      ...withCommand,
      header: ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'],
      rows: rows.flatMap((r) => {
        const t = r.text.split(/\s+/)
        if (t.length < 5) return []
        return [{ line: r.line, cells: [t[0], t[1], t[2], t.slice(3, -1).join(' '), t.at(-1)].map(String) }]
      }),
    }
  }
  if (/^IMAGE\s+CREATED\s+CREATED BY\s+SIZE/.test(header)) {
    return {
      ...withCommand,
      header: ['IMAGE', 'CREATED', 'CREATED BY', 'SIZE'],
      rows: rows.flatMap((r) => {
        const t = r.text.split(/\s+/)
        const ago = t.indexOf('ago')
        if (t.length < 4 || ago < 1) return []
        return [
          {
            line: r.line,
            cells: [t[0], t.slice(1, ago + 1).join(' '), t.slice(ago + 1, -1).join(' '), t.at(-1)].map(
              String,
            ),
          },
        ]
      }),
    }
  }
  // `--format "table {{.Tag}}\t{{.Size}}"`: one word per column.
  const columns = header.split(/\s{2,}|\t/).filter(Boolean)
  if (columns.length >= 2 && columns.every((c) => /^[A-Z][A-Z ]*$/.test(c)) && columns.includes('SIZE')) {
    return {
      ...withCommand,
      header: columns,
      rows: rows.flatMap((r) => {
        const t = r.text.split(/\s+/)
        if (t.length < columns.length) return []
        const head = t.slice(0, columns.length - 1)
        return [{ line: r.line, cells: [...head, t.slice(columns.length - 1).join(' ')] }]
      }),
    }
  }
  return undefined
}
