/**
 * How the Docker CLI prints what lessonproof's engine actions answer with: its tables (Go's
 * tabwriter: columns at least 10 wide, 3 spaces between), relative times (go-units'
 * HumanDuration), truncated commands, port lists, and the few Go templates lessons use with
 * `--format` and `-f`. Pure: tested without an engine.
 */

/** go-units' HumanDuration: "Less than a second", "5 seconds", "About a minute", "3 hours", … */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < 1) return 'Less than a second'
  if (seconds === 1) return '1 second'
  if (seconds < 60) return `${seconds} seconds`
  const minutes = Math.floor(ms / 60_000)
  if (minutes === 1) return 'About a minute'
  if (minutes < 60) return `${minutes} minutes`
  const hours = Math.floor(ms / 3_600_000 + 0.5)
  if (hours === 1) return 'About an hour'
  if (hours < 48) return `${hours} hours`
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`
}

/** Docker's Ellipsis: at most `max` characters, the last one "…" when cut. */
export function ellipsis(text: string, max: number): string {
  const chars = [...text]
  if (chars.length <= max) return text
  return `${chars.slice(0, max - 1).join('')}…`
}

/** Rows as Go's tabwriter (minwidth 10, padding 3) lays out tab-separated cells; the last cell is not padded. */
export function tabwriter(lines: string[][]): string {
  const widths: number[] = []
  for (const cells of lines) {
    cells.slice(0, -1).forEach((cell, k) => {
      widths[k] = Math.max(widths[k] ?? 0, [...cell].length)
    })
  }
  return lines
    .map((cells) =>
      cells
        .map((cell, k) => (k === cells.length - 1 ? cell : cell.padEnd(Math.max(10, (widths[k] ?? 0) + 3))))
        .join(''),
    )
    .map((line) => `${line}\n`)
    .join('')
}

/** A port mapping of a `docker run -p`, as the lesson gave it. */
export interface PortMapping {
  hostIp: string
  hostPort: number
  containerPort: number
  proto: string
}

/**
 * The PORTS column, as the 20.10 CLI's DisplayablePorts lays it out: ports sorted by container
 * port; exposed ones and those published on the same host port first, consecutive ones as a
 * range (`8000-8001/tcp`); then those published on another host port. A publish on all
 * interfaces shows its IPv6 twin, as a reader's engine has it.
 */
export function displayPorts(mappings: PortMapping[], exposed: string[]): string {
  interface Port {
    ip: string
    publicPort: number
    privatePort: number
    type: string
  }
  const ports: Port[] = []
  for (const m of mappings) {
    const ip = m.hostIp === '' ? '0.0.0.0' : m.hostIp
    ports.push({ ip, publicPort: m.hostPort, privatePort: m.containerPort, type: m.proto })
    if (ip === '0.0.0.0')
      ports.push({ ip: '::', publicPort: m.hostPort, privatePort: m.containerPort, type: m.proto })
  }
  const published = new Set(mappings.map((m) => `${m.containerPort}/${m.proto}`))
  for (const port of exposed) {
    const [number = '', type = 'tcp'] = port.split('/')
    if (!published.has(`${number}/${type}`))
      ports.push({ ip: '', publicPort: 0, privatePort: Number(number), type })
  }
  ports.sort(
    (a, b) =>
      a.privatePort - b.privatePort ||
      (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0) ||
      a.publicPort - b.publicPort ||
      (a.type < b.type ? -1 : a.type > b.type ? 1 : 0),
  )
  const groups = new Map<string, { first: number; last: number }>()
  const result: string[] = []
  const elsewhere: string[] = []
  const form = (key: string, { first, last }: { first: number; last: number }) => {
    const [ip, type] = key.includes('/') ? key.split('/') : ['', key]
    const range = first === last ? `${first}` : `${first}-${last}`
    return `${ip ? `${ip}:${range}->${range}` : range}/${type}`
  }
  for (const port of ports) {
    if (port.ip !== '' && port.publicPort !== port.privatePort) {
      elsewhere.push(`${port.ip}:${port.publicPort}->${port.privatePort}/${port.type}`)
      continue
    }
    const key = port.ip === '' ? port.type : `${port.ip}/${port.type}`
    const group = groups.get(key)
    if (!group) groups.set(key, { first: port.privatePort, last: port.privatePort })
    else if (port.privatePort === group.last + 1) group.last = port.privatePort
    else {
      // A gap ends the range; the key keeps its place among the groups, as in Go's key order.
      result.push(form(key, group))
      group.first = port.privatePort
      group.last = port.privatePort
    }
  }
  for (const [key, group] of groups) result.push(form(key, group))
  return [...result, ...elsewhere].join(', ')
}

/** Headers Docker gives a `table` format's fields. */
const HEADERS: Record<string, string> = {
  ID: 'ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Names: 'NAMES',
  Image: 'IMAGE',
  Command: 'COMMAND',
  RunningFor: 'CREATED',
  Status: 'STATUS',
  State: 'STATE',
  Ports: 'PORTS',
  CreatedBy: 'CREATED BY',
  Comment: 'COMMENT',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  Networks: 'NETWORKS',
}

/** A template lessonproof cannot evaluate: the step is blocked with this reason. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError'
}

/** Go's default printing of a value (`fmt.Print`): `[a b]` for lists, `map[k:v]` for maps. */
function goPrint(value: unknown, nested = false): string {
  if (value === null || value === undefined) return '<no value>'
  if (Array.isArray(value)) return `[${value.map((v) => goPrint(v, true)).join(' ')}]`
  // An empty map prints as map[]; but the values of Docker's sets (ExposedPorts, Volumes) are
  // empty structs, which Go prints as {}.
  if (typeof value === 'object' && Object.keys(value as object).length === 0) return nested ? '{}' : 'map[]'
  if (typeof value === 'object')
    return `map[${Object.keys(value as object)
      .sort()
      .map((k) => `${k}:${goPrint((value as Record<string, unknown>)[k], true)}`)
      .join(' ')}]`
  return String(value)
}

function lookup(data: unknown, path: string): unknown {
  if (path === '.') return data
  let value: unknown = data
  for (const key of path.replace(/^\./, '').split('.')) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

/** Go's JSON: `<`, `>` and `&` escaped as the encoder does. */
export function goJson(value: unknown, indent?: string): string {
  return JSON.stringify(value, null, indent)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
}

/**
 * Evaluates the Go templates lessons write: `{{.Field.Sub}}`, `{{json .Field}}`,
 * `{{index .Map "key"}}`, `{{range .List}}…{{.}}…{{end}}`, `{{println …}}`; anything else throws.
 */
export function goTemplate(template: string, data: unknown): string {
  const text = template.replace(/\\t/g, '\t').replace(/\\n/g, '\n')
  const actions = /\{\{-?\s*(.*?)\s*-?\}\}/g
  let out = ''
  let at = 0
  const stack: { start: number; items: unknown[]; index: number; scope: unknown }[] = []
  let scope = data
  for (;;) {
    const m = actions.exec(text)
    if (!m) break
    out += text.slice(at, m.index)
    at = m.index + m[0].length
    const action = m[1] ?? ''
    const words = action.match(/"[^"]*"|\S+/g) ?? []
    const arg = (k: number) => {
      const word = words[k] ?? '.'
      return word.startsWith('"') ? word.slice(1, -1) : lookup(scope, word)
    }
    if (words[0] === 'range') {
      const items = arg(1)
      const list = Array.isArray(items)
        ? items
        : items && typeof items === 'object'
          ? Object.values(items)
          : []
      stack.push({ start: at, items: list, index: 0, scope })
      if (list.length === 0) {
        // Skip to the matching end.
        const end = text.indexOf('{{end}}', at)
        if (end < 0) throw new TemplateError('range without end')
        at = end + '{{end}}'.length
        actions.lastIndex = at
        stack.pop()
        continue
      }
      scope = list[0]
    } else if (words[0] === 'end') {
      const frame = stack.at(-1)
      if (!frame) throw new TemplateError('end without range')
      frame.index++
      if (frame.index < frame.items.length) {
        scope = frame.items[frame.index]
        at = frame.start
        actions.lastIndex = at
      } else {
        stack.pop()
        scope = frame.scope
      }
    } else if (words[0] === 'json') out += goJson(arg(1))
    else if (words[0] === 'index') {
      const container = arg(1)
      const key = arg(2)
      const found = Array.isArray(container)
        ? container[Number(key)]
        : (container as Record<string, unknown> | undefined)?.[String(key)]
      // A key the map lacks gives the zero value of its type: for labels, the empty string.
      out += found === undefined ? '' : goPrint(found)
    } else if (words[0] === 'println') out += `${words.length > 1 ? goPrint(arg(1)) : ''}\n`
    else if (words.length === 1 && (words[0] ?? '').startsWith('.')) out += goPrint(arg(0))
    else throw new TemplateError(`lessonproof does not evaluate the template action {{${action}}}`)
  }
  return out + text.slice(at)
}

/**
 * Rows printed with a `--format`: a `table …` format gets a header and tabwriter's columns; any
 * other prints each row as the template says.
 */
export function formatRows(
  format: string,
  rows: Record<string, unknown>[],
  /** Headers this command gives its fields (`ID` is "IMAGE ID" for images, "CONTAINER ID" for containers). */
  headers: Record<string, string> = {},
): string {
  const table = /^table\s*/.exec(format)
  if (!table) return rows.map((row) => `${goTemplate(format, row)}\n`).join('')
  const body = format.slice(table[0].length)
  const header = body.replace(
    /\{\{\s*\.(\w+)\s*\}\}/g,
    (_, f: string) => headers[f] ?? HEADERS[f] ?? f.toUpperCase(),
  )
  const split = (line: string) => line.split('\t')
  return tabwriter([split(goTemplate(header, {})), ...rows.map((row) => split(goTemplate(body, row)))])
}
