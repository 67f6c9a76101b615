/**
 * Holds a claimed output (as a lesson shows it) against the output a run produced, the way
 * cram and Scrut do, but Docker-aware: exact after normalising what changes between runs,
 * `...` lines matching any lines, sizes within a tolerance, JSON by value, tables by column.
 */

import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff'
import { z } from 'zod'
import { type AlignOp, align, isElision } from './align.js'
import { type Json, jsonDifferences, readJson } from './json.js'
import {
  mapRun,
  type NormalisedLine,
  normaliseLine,
  type RunMapping,
  sizeChange,
  sizeHolds,
} from './normalise.js'
import { readTable, type Table } from './table.js'

/** Settings of one comparison. */
export const CompareOptions = z.object({
  /** The lesson file, named in the diff's header. @default "output" */
  file: z.string().default('output'),
  /** The lesson line of the claimed block's first line (1-based). @default 1 */
  line: z.number().int().positive().default(1),
  /** Sizes are held within this many percent of the claimed size, plus its rounding. @default 15 */
  sizeTolerancePct: z.number().nonnegative().default(15),
  /** Host ports the run published for the lesson's. @example [{ lesson: 8000, run: 49153 }] */
  ports: z.array(z.object({ lesson: z.number().int(), run: z.number().int() })).default([]),
  /** Literal text of the run written as the lesson's. @example [{ actual: "/lesson", claimed: "/home/me/task-api" }] */
  replacements: z.array(z.object({ actual: z.string(), claimed: z.string() })).default([]),
  /** More patterns that vary between runs (a generated container name); each matches anything matching it. */
  volatile: z.array(z.instanceof(RegExp)).default([]),
  /** Table columns whose cells vary between runs, beyond Docker's IDs and times. @example ["NAMES"] */
  volatileColumns: z.array(z.string()).default([]),
  /** Lines left out on both sides (a registry's pull progress, say). */
  ignoreLines: z.array(z.instanceof(RegExp)).default([]),
  /** Lines of context around each change in the diff. @default 3 */
  context: z.number().int().nonnegative().default(3),
})
export type CompareOptions = z.input<typeof CompareOptions>
type Settings = z.output<typeof CompareOptions>

/** One place where the claimed output does not hold. */
export const OutputDifference = z.object({
  /** The lesson line: the claimed line, or where an unexpected line would go. */
  line: z.number().int(),
  /** `changed`: the line says something else here; `missing`: the run did not print it; `unexpected`: the run printed more. */
  kind: z.enum(['changed', 'missing', 'unexpected']),
  claimed: z.string().optional(),
  actual: z.string().optional(),
  /** Why, in words: "SIZE: 125MB is 190MB (+52.0%, beyond ±15%)". */
  detail: z.string(),
})
export type OutputDifference = z.infer<typeof OutputDifference>

/** The outcome of holding a claimed output against a run's. */
export const OutputComparison = z.object({
  pass: z.boolean(),
  /** How the block was read: plain lines, a Docker table, or one JSON document. */
  mode: z.enum(['lines', 'table', 'json']),
  differences: z.array(OutputDifference),
  /** A unified diff at the lesson's lines, claimed (-) vs this run (+); empty when it passes. */
  diff: z.string(),
})
export type OutputComparison = z.infer<typeof OutputComparison>

/** Patterns a Docker CLI prints for a registry pull, to leave out when no registry is reached. */
export const PULL_PROGRESS: readonly RegExp[] = [
  /^Unable to find image '.*' locally$/,
  /^[\w.-]+: Pulling from /,
  /^[0-9a-f]{12}: (?:Pulling fs layer|Waiting|Downloading|Verifying Checksum|Download complete|Extracting|Pull complete|Already exists)/,
  /^Digest: sha256:/,
  /^Status: (?:Downloaded newer image|Image is up to date) for /,
]

/** Columns Docker fills with IDs or times, which differ on every run. */
const VOLATILE_COLUMNS = [/\bID$/, /^CREATED(?: AT| SINCE)?$/, /^PID$/]

/** The claimed and actual outputs read into units (lines or table rows) and aligned. */
export interface OutputAlignment {
  mode: 'lines' | 'table' | 'json'
  /** The claimed block's lines, as written (CR and colour codes removed). */
  claimed: string[]
  /** The run's lines, with the run's ports and paths written as the lesson's. */
  actual: string[]
  /** For each claimed unit, its index in `claimed`; a table's header is unit 0. */
  claimedUnits: number[]
  /** For each actual unit, its index in `actual`. */
  actualUnits: number[]
  /** Over units; empty in JSON mode. */
  ops: AlignOp[]
  /** Why a changed unit differs, by claimed unit. */
  reasons: Map<number, string>
  table?: { claimed: Table; actual: Table; actualOrder: number[] }
  json?: { claimed: Json; actual: Json | undefined }
}

const ESC = String.fromCharCode(27)
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g')

function linesOf(text: string): string[] {
  const lines = text.replace(ANSI, '').replace(/\r\n?/g, '\n').split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}

/** Indices of the lines that take part: not ignored, and not blank at either end. */
function kept(lines: string[], ignore: readonly RegExp[]): number[] {
  const indices = lines.flatMap((line, k) => (ignore.some((p) => p.test(line)) ? [] : [k]))
  while (indices.length > 0 && lines[indices[0] as number]?.trim() === '') indices.shift()
  while (indices.length > 0 && lines[indices.at(-1) as number]?.trim() === '') indices.pop()
  return indices
}

/** Why a normalised claimed text does not hold for an actual one, or `undefined` when it does. */
function textDiffers(c: NormalisedLine, a: NormalisedLine, tolerancePct: number): string | undefined {
  if (c.skeleton !== a.skeleton || c.sizes.length !== a.sizes.length) return 'differs'
  for (const [k, size] of c.sizes.entries()) {
    const measured = a.sizes[k]
    if (measured && !sizeHolds(size, measured, tolerancePct)) {
      return `${size.text} is ${measured.text} (${sizeChange(size, measured)}, beyond ±${tolerancePct}%)`
    }
  }
  return undefined
}

/** cram's line suffixes: `(re)` a regular expression, `(glob)` `*` and `?` wildcards. */
function patternOf(line: string): RegExp | undefined {
  const re = /^(.*) \(re\)$/.exec(line)
  if (re) return new RegExp(`^(?:${re[1]})$`)
  const glob = /^(.*) \(glob\)$/.exec(line)
  if (glob) {
    const source = (glob[1] ?? '')
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')
    return new RegExp(`^${source}$`)
  }
  return undefined
}

/** Compares claimed lines with actual ones, each a whole line. */
function lineJudge(settings: Settings) {
  const memo = new Map<string, NormalisedLine>()
  const norm = (text: string) => {
    let found = memo.get(text)
    if (!found) {
      found = normaliseLine(text, settings.volatile)
      memo.set(text, found)
    }
    return found
  }
  const json = new Map<string, Json | undefined>()
  const jsonOf = (text: string) => {
    if (!json.has(text)) json.set(text, readJson(text))
    return json.get(text)
  }
  /** `undefined` when the claimed line holds; otherwise why not. */
  return (claimed: string, actual: string): string | undefined => {
    if (isElision(claimed)) return undefined
    const pattern = patternOf(claimed.trimEnd())
    if (pattern) return pattern.test(actual.trimEnd()) ? undefined : `does not match ${claimed.trim()}`
    const why = textDiffers(norm(claimed), norm(actual), settings.sizeTolerancePct)
    if (why === undefined) return undefined
    const cj = jsonOf(claimed)
    const aj = jsonOf(actual)
    if (cj !== undefined && aj !== undefined) {
      const diffs = jsonDifferences(cj, aj, {
        sizeTolerancePct: settings.sizeTolerancePct,
        volatile: settings.volatile,
      })
      return diffs.length === 0 ? undefined : diffs.join('; ')
    }
    return why === 'differs' ? 'differs' : `size ${why}`
  }
}

/** Why one claimed line (or table cell) does not hold for an actual one; `undefined` when it holds. */
export function lineDiffers(
  claimed: string,
  actual: string,
  options: CompareOptions = {},
): string | undefined {
  return lineJudge(CompareOptions.parse(options))(claimed, actual)
}

/** Whether a table column's cells vary between runs (IDs, times, the caller's `volatileColumns`). */
export function isVolatileColumn(name: string, columns: string[], options: CompareOptions = {}): boolean {
  if ((options.volatileColumns ?? []).includes(name)) return true
  // `docker history`'s IMAGE column: an ID, or <missing> for layers built elsewhere or by BuildKit.
  if (name === 'IMAGE' && columns.includes('CREATED BY')) return true
  return VOLATILE_COLUMNS.some((p) => p.test(name))
}

function columnIsVolatile(name: string, settings: Settings, table: Table): boolean {
  return isVolatileColumn(name, table.columns, settings)
}

/** Key columns that name a row whatever its place: an image's repository and tag, a container's name. */
function rowKey(table: Table, cells: string[], settings: Settings): string | undefined {
  const at = (name: string) => table.columns.indexOf(name)
  if (at('REPOSITORY') >= 0 && at('TAG') >= 0) return `${cells[at('REPOSITORY')]}:${cells[at('TAG')]}`
  if (at('NAMES') >= 0 && !settings.volatileColumns.includes('NAMES')) return cells[at('NAMES')]
  return undefined
}

/**
 * The actual rows reordered so rows the claim names by key come in the claim's order (Docker
 * lists images by creation time, and two built in the same second may swap); rows the claim
 * does not name keep their places.
 */
function followClaimedOrder(claimed: Table, actual: Table, settings: Settings): number[] {
  const order = actual.rows.map((_, k) => k)
  const rank = new Map<string, number>()
  claimed.rows.forEach((row, k) => {
    if (!row.elision) {
      const key = rowKey(claimed, row.cells, settings)
      if (key !== undefined && !rank.has(key)) rank.set(key, k)
    }
  })
  const keyOf = (k: number) => {
    const row = actual.rows[k]
    return row && !row.elision ? rowKey(actual, row.cells, settings) : undefined
  }
  const slots = order.filter((k) => rank.has(keyOf(k) ?? '\0'))
  const sorted = [...slots].sort((x, y) => (rank.get(keyOf(x) ?? '') ?? 0) - (rank.get(keyOf(y) ?? '') ?? 0))
  slots.forEach((slot, k) => {
    order[slot] = sorted[k] as number
  })
  return order
}

function alignTable(
  claimedTable: Table,
  actualTable: Table,
  settings: Settings,
): { ops: AlignOp[]; reasons: Map<number, string>; actualOrder: number[] } {
  const reasons = new Map<number, string>()
  const order = followClaimedOrder(claimedTable, actualTable, settings)
  const judge = lineJudge(settings)
  const sameHeader = claimedTable.columns.join('|') === actualTable.columns.join('|')
  const rowDiffers = (i: number, j: number): string | undefined => {
    // Unit 0 is the header; rows follow.
    if (i === 0 || j === 0) {
      if (i !== j) return 'differs'
      return sameHeader
        ? undefined
        : `columns ${claimedTable.columns.join(', ')} vs ${actualTable.columns.join(', ')}`
    }
    const c = claimedTable.rows[i - 1]
    const a = actualTable.rows[order[j - 1] as number]
    if (!c || !a || c.elision || a.elision) return 'differs'
    const why: string[] = []
    claimedTable.columns.forEach((name, k) => {
      const at = actualTable.columns.indexOf(name)
      if (at < 0 || columnIsVolatile(name, settings, claimedTable)) return
      const cell = c.cells[k] ?? ''
      if (isElision(cell)) return
      const reason = judge(cell, a.cells[at] ?? '')
      if (reason !== undefined) {
        why.push(
          `${name}: ${reason.startsWith('size ') ? reason.slice(5) : `${JSON.stringify(cell)} is ${JSON.stringify(a.cells[at] ?? '')}`}`,
        )
      }
    })
    return why.length === 0 ? undefined : why.join('; ')
  }
  const memo = new Map<string, string | undefined>()
  const differs = (i: number, j: number) => {
    const key = `${i},${j}`
    if (!memo.has(key)) memo.set(key, rowDiffers(i, j))
    return memo.get(key)
  }
  const ops = align(
    claimedTable.rows.length + 1,
    actualTable.rows.length + 1,
    (i) => i > 0 && claimedTable.rows[i - 1]?.elision === true,
    (i, j) => differs(i, j) === undefined,
  )
  for (const op of ops)
    if (op.kind === 'change') reasons.set(op.claimed, differs(op.claimed, op.actual) ?? 'differs')
  return { ops, reasons, actualOrder: order }
}

/** Reads both outputs and aligns them; the comparison and the output patcher share this. */
export function alignOutput(
  claimedText: string,
  actualText: string,
  options: CompareOptions = {},
): OutputAlignment {
  const settings = CompareOptions.parse(options)
  const mapping: RunMapping = { ports: settings.ports, replacements: settings.replacements }
  const claimed = linesOf(claimedText)
  const actual = linesOf(actualText).map((l) => mapRun(l, mapping))
  const claimedKept = kept(claimed, settings.ignoreLines)
  const actualKept = kept(actual, settings.ignoreLines)
  const pick = (lines: string[], indices: number[]) => indices.map((k) => lines[k] ?? '')

  const claimedJson = claimedKept.length > 1 ? readJson(pick(claimed, claimedKept).join('\n')) : undefined
  if (claimedJson !== undefined) {
    return {
      mode: 'json',
      claimed,
      actual,
      claimedUnits: claimedKept,
      actualUnits: actualKept,
      ops: [],
      reasons: new Map(),
      json: { claimed: claimedJson, actual: readJson(pick(actual, actualKept).join('\n')) },
    }
  }

  const claimedTable = readTable(pick(claimed, claimedKept))
  const actualTable = claimedTable ? readTable(pick(actual, actualKept)) : undefined
  if (claimedTable && actualTable) {
    const { ops, reasons, actualOrder } = alignTable(claimedTable, actualTable, settings)
    return {
      mode: 'table',
      claimed,
      actual,
      claimedUnits: claimedKept,
      // Unit 0 is the header; the rows follow in the order they were aligned in.
      actualUnits: [actualKept[0] as number, ...actualOrder.map((k) => actualKept[k + 1] as number)],
      ops,
      reasons,
      table: { claimed: claimedTable, actual: actualTable, actualOrder },
    }
  }

  const judge = lineJudge(settings)
  const memo = new Map<string, string | undefined>()
  const differs = (i: number, j: number) => {
    const key = `${i},${j}`
    if (!memo.has(key))
      memo.set(key, judge(claimed[claimedKept[i] as number] ?? '', actual[actualKept[j] as number] ?? ''))
    return memo.get(key)
  }
  const ops = align(
    claimedKept.length,
    actualKept.length,
    (i) => isElision(claimed[claimedKept[i] as number] ?? ''),
    (i, j) => differs(i, j) === undefined,
  )
  const reasons = new Map<number, string>()
  for (const op of ops)
    if (op.kind === 'change') reasons.set(op.claimed, differs(op.claimed, op.actual) ?? 'differs')
  return { mode: 'lines', claimed, actual, claimedUnits: claimedKept, actualUnits: actualKept, ops, reasons }
}

/** The claimed lines, and the same lines as this run would have them (held lines kept as claimed). */
function sides(al: OutputAlignment): { left: string[]; right: string[]; first: number } {
  const first = al.claimedUnits[0] ?? 0
  const last = al.claimedUnits.at(-1) ?? -1
  const left: string[] = []
  const right: string[] = []
  let next = first
  /** Claimed lines up to `until` that take no part (ignored), shown on both sides. */
  const flush = (until: number) => {
    for (; next < until; next++) {
      const line = al.claimed[next] ?? ''
      left.push(line)
      right.push(line)
    }
  }
  for (const op of al.ops) {
    const claimedLine = (i: number) => al.claimedUnits[i] as number
    const actualLine = (j: number) => al.actual[al.actualUnits[j] as number] ?? ''
    switch (op.kind) {
      case 'match':
      case 'elide':
        flush(claimedLine(op.claimed))
        left.push(al.claimed[next] ?? '')
        right.push(al.claimed[next] ?? '')
        next++
        break
      case 'change':
        flush(claimedLine(op.claimed))
        left.push(al.claimed[next] ?? '')
        right.push(actualLine(op.actual))
        next++
        break
      case 'missing':
        flush(claimedLine(op.claimed))
        left.push(al.claimed[next] ?? '')
        next++
        break
      case 'unexpected':
        right.push(actualLine(op.actual))
        break
    }
  }
  flush(last + 1)
  return { left, right, first }
}

function renderDiff(left: string[], right: string[], firstLine: number, settings: Settings): string {
  const text = (lines: string[]) => (lines.length === 0 ? '' : `${lines.join('\n')}\n`)
  const patch = structuredPatch(
    settings.file,
    settings.file,
    text(left),
    text(right),
    'claimed',
    'this run',
    {
      context: settings.context,
    },
  )
  for (const hunk of patch.hunks) {
    // Hunks count from the block's first line: move them to the lesson's lines.
    hunk.oldStart += firstLine - 1
    hunk.newStart += firstLine - 1
  }
  return formatPatch(patch, FILE_HEADERS_ONLY)
}

function compareJson(al: OutputAlignment, settings: Settings): OutputComparison {
  const json = al.json as { claimed: Json; actual: Json | undefined }
  const firstIndex = al.claimedUnits[0] ?? 0
  const firstLine = settings.line + firstIndex
  const claimedLines = al.claimed.slice(firstIndex, (al.claimedUnits.at(-1) ?? -1) + 1)
  const actualLines = al.actualUnits.map((k) => al.actual[k] ?? '')
  if (json.actual === undefined) {
    return {
      pass: false,
      mode: 'json',
      differences: [{ line: firstLine, kind: 'changed', detail: 'the run printed no JSON document here' }],
      diff: renderDiff(claimedLines, actualLines, firstLine, settings),
    }
  }
  const found = jsonDifferences(json.claimed, json.actual, {
    sizeTolerancePct: settings.sizeTolerancePct,
    volatile: settings.volatile,
  })
  if (found.length === 0) return { pass: true, mode: 'json', differences: [], diff: '' }
  return {
    pass: false,
    mode: 'json',
    differences: found.map((detail) => ({ line: firstLine, kind: 'changed' as const, detail })),
    diff: renderDiff(claimedLines, actualLines, firstLine, settings),
  }
}

/**
 * Holds a claimed output against the run's. Passes when every claimed line holds: equal after
 * normalising, an elision, a size within tolerance, JSON of equal value, or a table row whose
 * cells hold column by column.
 */
export function compareOutput(
  claimed: string,
  actual: string,
  options: CompareOptions = {},
): OutputComparison {
  const settings = CompareOptions.parse(options)
  const al = alignOutput(claimed, actual, settings)
  if (al.mode === 'json') return compareJson(al, settings)

  const differences: OutputDifference[] = []
  const lessonLine = (unit: number) => settings.line + (al.claimedUnits[unit] ?? 0)
  const actualText = (unit: number) => al.actual[al.actualUnits[unit] as number] ?? ''
  let lastLine = lessonLine(0)
  for (const op of al.ops) {
    if (op.kind === 'match' || op.kind === 'elide') {
      lastLine = lessonLine(op.claimed)
      continue
    }
    if (op.kind === 'unexpected') {
      differences.push({
        line: lastLine + 1,
        kind: 'unexpected',
        actual: actualText(op.actual),
        detail: 'the run printed a line the lesson does not show',
      })
      continue
    }
    const line = lessonLine(op.claimed)
    lastLine = line
    const claimedText = al.claimed[al.claimedUnits[op.claimed] as number] ?? ''
    if (op.kind === 'missing') {
      differences.push({
        line,
        kind: 'missing',
        claimed: claimedText,
        detail: 'the run did not print this line',
      })
    } else {
      differences.push({
        line,
        kind: 'changed',
        claimed: claimedText,
        actual: actualText(op.actual),
        detail: al.reasons.get(op.claimed) ?? 'differs',
      })
    }
  }
  if (differences.length === 0) return { pass: true, mode: al.mode, differences, diff: '' }
  const { left, right, first } = sides(al)
  return {
    pass: false,
    mode: al.mode,
    differences,
    diff: renderDiff(left, right, settings.line + first, settings),
  }
}
