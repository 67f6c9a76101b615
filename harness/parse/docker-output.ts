import type { Table } from '../model/index.js'
import { segments } from './commands.js'

/** The classic `docker images` header every images table is given (cells stay strings). */
const IMAGES = ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE']
const SIZE = String.raw`\d+(?:\.\d+)?\s?(?:[kKMGT]i?B|B)`
const SIZE_ONLY = new RegExp(`^${SIZE}$`)
/** A `docker images` row without a header: repository, tag, ID, created, size. */
// Hand-written IDs are often short or not hex ("abc123", "f5g6h7i8j9k0"): letters and digits, a digit among them.
const IMAGE_ROW = new RegExp(
  String.raw`^(\S+)\s+(\S+)\s+((?=[a-zA-Z]*\d)[0-9a-zA-Z]{6,64}|<none>)\s+(.+?)\s+(${SIZE})$`,
)
const ELLIPSIS = /^(?:\.\.\.|…)$/

type Row = { line: number; text: string }

/** What a command line prints, by its first program: `docker images | grep x` is `docker images`. */
function printer(command: string | undefined): string {
  const argv = command ? segments(command)[0] : undefined
  if (!argv) return ''
  const [a = '', b = '', c = ''] = argv
  if (a === 'docker' && (b === 'images' || (b === 'image' && (c === 'ls' || c === 'list')))) return 'images'
  if (a === 'docker' && (b === 'history' || (b === 'image' && c === 'history'))) return 'history'
  if (a === 'docker' && (b === 'ps' || (b === 'container' && (c === 'ls' || c === 'list')))) return 'ps'
  if (a === 'docker-compose' && b === 'ps') return 'ps'
  if (a === 'docker' && b === 'compose' && c === 'ps') return 'ps'
  if (a === 'du') return 'du'
  if (a === 'ls' && argv.some((x) => /^-\w*l/.test(x))) return 'ls'
  return ''
}

/**
 * Lines of an output, with a terminal's wrapping undone: a line too short to be a row, joined to
 * the next, when together they make one ("…30 second" + "s ago      692MB").
 */
function unwrap(rows: Row[], complete: (text: string) => boolean): Row[] {
  const out: Row[] = []
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Row
    const next = rows[i + 1]
    if (!complete(row.text) && next && !complete(next.text)) {
      for (const joined of [`${row.text}${next.text}`, `${row.text} ${next.text}`]) {
        if (complete(joined)) {
          out.push({ line: row.line, text: joined })
          i++
          break
        }
      }
      if (out.at(-1)?.line === row.line) continue
    }
    out.push(row)
  }
  return out
}

/**
 * Reads the table a command printed back into rows: `docker images` (with or without a header,
 * filtered by `| grep`, wrapped by a terminal, `--format "table …"`, the newer `IMAGE ID DISK
 * USAGE CONTENT SIZE` layout), `docker history`, `docker ps`, `du -sh`, `ls -l`. Columns are
 * found by meaning, not by position, because lessons often misalign them by hand.
 */
export function outputTable(
  command: string | undefined,
  text: string,
  firstLine: number,
  section: string,
): Table | undefined {
  const kind = printer(command)
  let lines = text
    .split('\n')
    .map((l, i) => ({ line: firstLine + i, text: l.trim() }))
    .filter((r) => r.text !== '')
  // The command itself, echoed at the top of its output ("$ docker images", or without the prompt).
  const echo = command?.trim()
  if (
    echo &&
    lines[0] &&
    lines[0].text.replace(/^\$\s+/, '').replace(/\s+/g, ' ') === echo.replace(/\s+/g, ' ')
  )
    lines = lines.slice(1)
  if (lines.length === 0) return undefined
  const truncated = lines.some((r) => ELLIPSIS.test(r.text))
  lines = lines.filter((r) => !ELLIPSIS.test(r.text))
  const header = lines[0]?.text ?? ''
  const base = {
    line: lines[0]?.line ?? firstLine,
    origin: 'output' as const,
    section,
    truncated,
    ...(command === undefined ? {} : { command }),
  }

  if (/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE/.test(header)) {
    return {
      ...base,
      kind: 'images',
      header: IMAGES,
      columns: IMAGES,
      rows: rowsOf(lines.slice(1), (t) => {
        if (t.length < 5) return undefined
        return [t[0], t[1], t[2], t.slice(3, -1).join(' '), t.at(-1)].map(String)
      }),
    }
  }
  // The newer layout: `IMAGE  ID  DISK USAGE  CONTENT SIZE  EXTRA`; DISK USAGE is what SIZE was.
  if (/^IMAGE\s+ID\s+DISK USAGE\s+CONTENT SIZE/.test(header)) {
    return {
      ...base,
      kind: 'images',
      header: [...IMAGES, 'CONTENT SIZE'],
      columns: header.split(/\s{2,}/),
      rows: rowsOf(lines.slice(1), (t) => {
        const at = t.findIndex((x, i) => i >= 2 && SIZE_ONLY.test(x))
        if (at < 2) return undefined
        const [name = '', id = ''] = t
        const colon = name.lastIndexOf(':')
        const repo = colon > name.lastIndexOf('/') ? name.slice(0, colon) : name
        const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : 'latest'
        return [repo, tag, id, '', t[at] ?? '', t[at + 1] ?? '']
      }),
    }
  }
  if (/^IMAGE\s+CREATED\s+CREATED BY/.test(header)) {
    // A terminal may wrap the header itself ("IMAGE  CREATED  CREATED BY" / "SIZE  COMMENT").
    const body = /^SIZE\b/.test(lines[1]?.text ?? '') ? lines.slice(2) : lines.slice(1)
    return {
      ...base,
      kind: 'history',
      header: ['IMAGE', 'CREATED', 'CREATED BY', 'SIZE'],
      rows: rowsOf(body, (t) => {
        const ago = t.indexOf('ago')
        if (t.length < 4 || ago < 1) return undefined
        let sizeAt = -1
        t.forEach((x, i) => {
          if (SIZE_ONLY.test(x)) sizeAt = i
        })
        const end = sizeAt > ago ? sizeAt : t.length - 1
        return [t[0], t.slice(1, ago + 1).join(' '), t.slice(ago + 1, end).join(' '), t[end]].map(String)
      }),
    }
  }
  // Rows without a header (`docker images | grep x`); an upper-case first line is a header, not a row.
  if (kind === 'images' && !/^[A-Z][A-Z ]+$/.test(header)) {
    const rows = unwrap(lines, (t) => IMAGE_ROW.test(t))
    if (rows.every((r) => IMAGE_ROW.test(r.text))) {
      return {
        ...base,
        kind: 'images',
        header: IMAGES,
        columns: [],
        rows: rows.map((r) => {
          const m = IMAGE_ROW.exec(r.text) ?? []
          return { line: r.line, cells: [m[1], m[2], m[3], m[4], m[5]].map(String) }
        }),
      }
    }
  }
  if (kind === 'du') {
    const rows = lines.flatMap((r) => {
      const m = /^(\d+(?:[.,]\d+)?[KMGTP]?i?B?)\s+(.+)$/.exec(r.text)
      return m ? [{ line: r.line, cells: [m[1] ?? '', m[2] ?? ''] }] : []
    })
    return rows.length > 0 ? { ...base, kind: 'du', header: ['SIZE', 'PATH'], rows } : undefined
  }
  if (kind === 'ls') {
    const rows = lines.flatMap((r) => {
      const t = r.text.split(/\s+/)
      if (!/^[-dlcbps][rwxsStT-]{9}/.test(t[0] ?? '') || t.length < 9) return []
      return [
        {
          line: r.line,
          cells: [t[0], t[1], t[2], t[3], t[4], t.slice(5, 8).join(' '), t.slice(8).join(' ')].map(String),
        },
      ]
    })
    return rows.length > 0
      ? { ...base, kind: 'ls', header: ['MODE', 'LINKS', 'OWNER', 'GROUP', 'SIZE', 'MODIFIED', 'NAME'], rows }
      : undefined
  }
  // A header of upper-case column names: `--format "table {{.Tag}}\t{{.Size}}"`, `docker ps`.
  const columns = header.split(/\s{2,}|\t/).filter(Boolean)
  if (columns.length < 2 || !columns.every((c) => /^[A-Z][A-Z ]*$/.test(c))) return undefined
  if (kind === 'ps' || columns.includes('PORTS') || columns.includes('CONTAINER ID')) {
    return { ...base, kind: 'ps', header: columns, rows: fixedWidth(lines, columns) }
  }
  if (!columns.includes('SIZE')) return undefined
  const rows = rowsOf(lines.slice(1), (t) => {
    if (t.length < columns.length) return undefined
    return [...t.slice(0, columns.length - 1), t.slice(columns.length - 1).join(' ')]
  })
  // `REPOSITORY  TAG  SIZE` is `docker images`: given the classic columns, so every images table reads alike.
  if (columns[0] === 'REPOSITORY' && columns.includes('TAG')) {
    return {
      ...base,
      kind: 'images',
      header: IMAGES,
      columns,
      rows: rows.map((r) => ({ line: r.line, cells: IMAGES.map((h) => r.cells[columns.indexOf(h)] ?? '') })),
    }
  }
  return { ...base, kind: 'format', header: columns, rows }
}

function rowsOf(lines: Row[], cells: (tokens: string[]) => string[] | undefined): Table['rows'] {
  return lines.flatMap((r) => {
    const c = cells(r.text.split(/\s+/))
    return c ? [{ line: r.line, cells: c }] : []
  })
}

/** Rows of a table whose cells hold spaces (`Up 5 seconds`): cut where the header's columns start. */
function fixedWidth(lines: Row[], columns: string[]): Table['rows'] {
  const header = lines[0]?.text ?? ''
  const starts = columns.map((c) => header.indexOf(c))
  return lines.slice(1).map((r) => {
    const parts = r.text.split(/\s{2,}/)
    if (parts.length === columns.length) return { line: r.line, cells: parts }
    // A cell left empty (a container without PORTS): place each part under the column it starts in.
    const cells = columns.map(() => '')
    let at = 0
    for (const part of parts) {
      const pos = r.text.indexOf(part, at)
      at = pos + part.length
      let column = 0
      for (let c = 0; c < starts.length; c++) if ((starts[c] ?? 0) <= pos + 1) column = c
      cells[column] = cells[column] ? `${cells[column]}  ${part}` : part
    }
    return { line: r.line, cells }
  })
}
