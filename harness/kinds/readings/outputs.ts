/** What the document shows commands printing: `docker images` rows, `docker history`, build logs. */
import { BuildLogError, type BuildLog as BuildLogModel, parseBuildLog } from '../../buildlog/index.js'
import { memoize } from '../../memo.js'
import { type Iteration, type Output, parseSize, type Size, type Table } from '../../model/index.js'
import { dockerBuild, segments } from '../../parse/index.js'
import type { Reading } from '../kit/index.js'

/** The image a `docker images X` / `docker history X` command is about (its first operand). */
export function operand(command: string | undefined): string | undefined {
  const argv = command ? segments(command)[0] : undefined
  if (argv?.[0] !== 'docker') return undefined
  const args = argv.slice(argv[1] === 'image' ? 3 : 2)
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '--format' || a === '-f' || a === '--filter') i++
    else if (!a.startsWith('-')) return a
  }
  return undefined
}

/**
 * What a command line prints, by its first program, the way the parse stage reads outputs:
 * `docker images | grep x` prints `docker images`.
 */
export function printerOf(
  command: string | undefined,
): 'images' | 'history' | 'ps' | 'inspect' | 'build' | 'du' | 'ls' | '' {
  const argv = command ? segments(command)[0] : undefined
  if (argv?.[0] !== 'docker') {
    if (argv?.[0] === 'du') return 'du'
    if (argv?.[0] === 'ls' && argv.some((a) => /^-\w*l/.test(a))) return 'ls'
    return ''
  }
  const [, b = '', c = ''] = argv
  const sub = b === 'image' || b === 'container' || b === 'buildx' ? c : b
  if (sub === 'images' || (b === 'image' && (c === 'ls' || c === 'list'))) return 'images'
  if (sub === 'history') return 'history'
  if (sub === 'ps' || (b === 'container' && (c === 'ls' || c === 'list'))) return 'ps'
  if (sub === 'inspect') return 'inspect'
  if (dockerBuild(argv)) return 'build'
  return ''
}

/** A row of a `docker images` output or `--format` table that states an image's size. */
export interface ImageRow {
  line: number
  image: string
  size: Size
  origin: 'docker-images' | 'format-table'
}

export const imageRows: Reading<ImageRow[]> = (x) =>
  x.doc.tables.flatMap((table): ImageRow[] => {
    if (table.origin !== 'output') return []
    // Every layout of `docker images` is read into the classic columns (see Table.header).
    if (table.kind === 'images' || table.header[0] === 'REPOSITORY') {
      return table.rows.flatMap((row) => {
        const [repo = '', tag = '', , , sizeText = ''] = row.cells
        const size = parseSize(sizeText)
        // A dangling `<none>` row is no image a document speaks of.
        if (!size || repo === '<none>' || tag === '<none>') return []
        return [{ line: row.line, image: `${repo}:${tag}`, size, origin: 'docker-images' as const }]
      })
    }
    if (table.header[0] !== 'IMAGE' && table.header.includes('TAG') && table.header.includes('SIZE')) {
      const repo = operand(table.command)
      const tagAt = table.header.indexOf('TAG')
      const sizeAt = table.header.indexOf('SIZE')
      return table.rows.flatMap((row) => {
        const size = parseSize(row.cells[sizeAt] ?? '')
        return size && repo
          ? [{ line: row.line, image: `${repo}:${row.cells[tagAt]}`, size, origin: 'format-table' as const }]
          : []
      })
    }
    return []
  })

/** The `"Size"` of an image in a `docker image inspect` output: bytes, exact. */
export interface InspectedSize {
  line: number
  image: string
  size: Size
}

export const inspectedSizes: Reading<InspectedSize[]> = (x) =>
  x.doc.outputs.flatMap((output): InspectedSize[] => {
    if (output.json === undefined || printerOf(output.command) !== 'inspect') return []
    const items = Array.isArray(output.json) ? output.json : [output.json]
    const lines = output.text.split('\n')
    let from = 0
    return items.flatMap((item): InspectedSize[] => {
      if (!item || typeof item !== 'object') return []
      const { Size: bytes, RepoTags: tags } = item as { Size?: unknown; RepoTags?: unknown }
      if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return []
      const at = lines.findIndex((l, i) => i >= from && /"Size"\s*:/.test(l))
      from = at + 1
      const tag = Array.isArray(tags) && typeof tags[0] === 'string' ? tags[0] : operand(output.command)
      if (!tag || at === -1) return []
      return [
        {
          line: output.line + 1 + at,
          image: tag,
          size: { bytes, text: `${bytes} bytes`, rounding: 0.5, approx: false },
        },
      ]
    })
  })

/** `du -sh PATH` or `ls -l[h] FILE`: a path and the size the output gives it. */
export interface PathSize {
  line: number
  path: string
  size: Size
  /** What printed it: `du` rounds up to whole blocks, `ls -l` gives the file's length. */
  tool: 'du' | 'ls'
  /** The image the command ran in (`docker run IMAGE du -sh /app`), when it ran in one. */
  image?: string
}

/** `du -h`/`ls -lh` write sizes in powers of 1024 with a bare unit letter: "12M", "4.0K", "1.2G". */
export function humanSize(text: string): Size | undefined {
  const m = /^(\d+(?:[.,]\d+)?)([KMGTP]?)i?B?$/i.exec(text.trim())
  if (!m) return undefined
  const digits = (m[1] ?? '0').replace(',', '.')
  const unit = (m[2] ?? '').toUpperCase()
  const multiplier = 1024 ** Math.max(0, 'BKMGTP'.indexOf(unit || 'B'))
  const decimals = digits.includes('.') ? (digits.split('.')[1]?.length ?? 0) : 0
  return {
    bytes: Number(digits) * multiplier,
    text: text.trim(),
    // du rounds up; either way the last digit written bounds the size.
    rounding: unit === '' ? 0.5 : multiplier / 10 ** decimals,
    approx: false,
  }
}

export const pathSizes: Reading<PathSize[]> = (x) =>
  x.doc.tables.flatMap((table): PathSize[] => {
    if (table.origin !== 'output' || (table.kind !== 'du' && table.kind !== 'ls')) return []
    const argv = table.command ? segments(table.command)[0] : undefined
    // `ls -l` in bytes lists a directory (its own checks); `ls -lh` is read for one file's size.
    if (table.kind === 'ls' && !argv?.some((a) => /^-\w*h/.test(a))) return []
    const image = argv?.[0] === 'docker' && argv[1] === 'run' ? runImage(argv) : undefined
    return table.rows.flatMap((row): PathSize[] => {
      const [sizeText = '', path = ''] = table.kind === 'du' ? row.cells : [row.cells[4], row.cells[6]]
      const size = humanSize(sizeText ?? '')
      if (!size || !path || (table.kind === 'ls' && row.cells[0]?.startsWith('d'))) return []
      return [{ line: row.line, path, size, tool: table.kind as 'du' | 'ls', ...(image ? { image } : {}) }]
    })
  })

/** The image of `docker run [options] IMAGE …`. */
function runImage(argv: string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i] ?? ''
    if (/^-(?:[epvwu]|-(?:env|publish|volume|workdir|user|name|network|entrypoint|mount|platform))$/.test(a))
      i++
    else if (!a.startsWith('-')) return a
  }
  return undefined
}

/** A `docker history` output. */
export interface History {
  table: Table
  image: string
  it: Iteration | undefined
  layers: { line: number; createdBy: string; size: Size }[]
  truncated: boolean
}

export const histories: Reading<History[]> = (x) =>
  x.doc.tables.flatMap((table): History[] => {
    if (table.origin !== 'output' || table.header[0] !== 'IMAGE') return []
    const image = operand(table.command) ?? '?'
    const layers = table.rows.flatMap((row) => {
      const size = parseSize(row.cells[3] ?? '')
      return size ? [{ line: row.line, createdBy: row.cells[2] ?? '', size }] : []
    })
    return [
      {
        table,
        image,
        it: x.iterations.byTag(image, table.line),
        layers,
        truncated: table.truncated ?? false,
      },
    ]
  })

/** Lines only BuildKit prints, and lines only the classic builder prints. */
const BUILDKIT_LINE = /^\s*(?:\[\+\]\s+Building\b|=>\s|#\d+\s+(?:\[|DONE\b|CACHED\b|naming\b))/
const CLASSIC_LINE =
  /^\s*(?:Step\s+\d+\/\d+\s*:|Successfully (?:built|tagged)\b|Sending build context to Docker daemon\b|\s*--->\s)/

/** A numbered step of a build log as a lesson shows it. */
export interface LoggedStep {
  line: number
  stage: string
  index: number
  total: number
  instruction: string
  /** The step's time, where the log shows one. */
  seconds?: number
  /** Numbered by the classic builder (`Step n/N`): every instruction of the file counts. */
  classic?: true
}

/** The output of a `docker build` the document shows. */
export interface BuildLog {
  output: Output
  image: string
  dockerfile: string
  it: Iteration | undefined
  steps: LoggedStep[]
  /** The first line only BuildKit prints and the first only the classic builder prints, when both are there. */
  mixed?: { buildkit: { line: number; text: string }; classic: { line: number; text: string } }
}

/** A log read once per text: a course pastes the same log in several lessons. */
const readLog = memoize((text: string): BuildLogModel | undefined => {
  try {
    return parseBuildLog(text)
  } catch (error) {
    if (error instanceof BuildLogError) return undefined
    throw error
  }
}, 1000)

/**
 * The numbered steps of a log, read by the build-log reader the engine's logs go through
 * (BuildKit's screen and plain progress, the classic builder), at their lines in the document.
 */
function loggedSteps(text: string, firstLine: number): LoggedStep[] {
  const log = readLog(text)
  if (!log) return []
  return log.steps.map((s) => {
    const step: LoggedStep = {
      line: firstLine + s.line - 1,
      stage: s.stage ?? '',
      index: s.index,
      total: s.total,
      // As shown: a step cut short keeps its mark, which the reader leaves out.
      instruction: s.truncated ? `${s.instruction} ...` : s.instruction,
    }
    // A step taken from the cache did no work: its time says nothing of the tool.
    if (s.seconds !== undefined && !s.cached) step.seconds = s.seconds
    if (log.builder === 'classic') step.classic = true
    return step
  })
}

export const buildLogs: Reading<BuildLog[]> = (x) =>
  x.doc.outputs.flatMap((output): BuildLog[] => {
    const argv = output.command ? segments(output.command)[0] : undefined
    const build = argv ? dockerBuild(argv) : undefined
    if (!build) return []
    const image = build.tag ?? '?'
    const steps = loggedSteps(output.text, output.line + 1)
    let buildkit: { line: number; text: string } | undefined
    let classic: { line: number; text: string } | undefined
    output.text.split('\n').forEach((text, i) => {
      const line = output.line + 1 + i
      if (!buildkit && BUILDKIT_LINE.test(text)) buildkit = { line, text: text.trim() }
      if (!classic && CLASSIC_LINE.test(text)) classic = { line, text: text.trim() }
    })
    const log: BuildLog = {
      output,
      image,
      dockerfile: build.file,
      // The build this log is the output of; a tag may be built more than once.
      it:
        x.iterations.all.find((i) => i.line === output.commandLine) ?? x.iterations.byTag(image, output.line),
      steps,
    }
    if (buildkit && classic) log.mixed = { buildkit, classic }
    return [log]
  })
