/**
 * Build logs, as an engine prints them and as lessons paste them, read into `BuildLog`: BuildKit's
 * plain progress, its terminal screen, and the classic builder. No library reads these (they are
 * the docker CLI's display, not a format), so each shape is read line by line here; the shapes are
 * pinned by the logs recorded under fixtures/.
 */

import { stripVTControlCharacters } from 'node:util'
import type { BuildFailure, BuildLog, BuildStep, LogShape, OtherVertex, StepStatus } from './model.js'

/** A text that is no build log lessonproof can read. */
export class BuildLogError extends Error {
  constructor(
    message: string,
    /** The start of the text that was given. */
    readonly received: string,
  ) {
    super(message)
    this.name = 'BuildLogError'
  }
}

const ELISION = /^\s*(?:=>\s*)?(?:\.{3}|…|\[\.{3}\]|\(\.{3}\))\s*$/
const COMMAND = /^\s*\$\s+(.*\S)\s*$/
const TTY_HEADER = /^\s*\[\+\] Building(?: (\d+(?:\.\d+)?)s)? \((\d+)\/(\d+)\)(?: (FINISHED))?/
const TTY_LINE = /^\s*=>\s?(.*)$/
const PLAIN_LINE = /^#(\d+) (.*)$/
const CLASSIC_STEP = /^Step (\d+)\/(\d+) : (.*)$/

/** The shape of a log, or undefined when it shows none of the three. */
export function detectShape(text: string): LogShape | undefined {
  const lines = toLines(text)
  if (lines.some((l) => CLASSIC_STEP.test(l) || /^Sending build context to Docker daemon/.test(l)))
    return 'classic'
  // A TTY log's error block quotes `#6 0.143 …` lines: its header and `=>` lines decide first.
  if (lines.some((l) => TTY_HEADER.test(l) || /^\s*=>\s+\S/.test(l))) return 'tty'
  if (lines.some((l) => PLAIN_LINE.test(l))) return 'plain'
  return undefined
}

/** Reads a build log (colour codes and CRs dropped). Throws BuildLogError when the text is none. */
export function parseBuildLog(text: string, shape: LogShape | undefined = detectShape(text)): BuildLog {
  const lines = toLines(text)
  switch (shape) {
    case 'plain':
      return parsePlain(lines)
    case 'tty':
      return parseTty(lines)
    case 'classic':
      return parseClassic(lines)
    default:
      throw new BuildLogError(
        'not a build log: expected BuildKit output (`#5 [2/4] RUN …` or ` => [2/4] RUN …`) or the classic builder (`Step 2/4 : RUN …`)',
        text.slice(0, 200),
      )
  }
}

function toLines(text: string): string[] {
  return stripVTControlCharacters(text)
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
}

type Name =
  | { kind: 'step'; step: Omit<BuildStep, 'line' | 'cached' | 'status' | 'output'> }
  | { kind: OtherVertex['kind']; name: string }

/** A vertex's name: `[builder 2/4] COPY …`, `[internal] load …`, `exporting to image`. */
function readName(text: string): Name {
  const numbered = /^\[([^\]]*?)\s*(\d+)\/(\d+)\]\s+(.*)$/.exec(text)
  if (numbered) {
    const [, prefix = '', index = '0', total = '0', shown = ''] = numbered
    const words = prefix.split(/\s+/).filter(Boolean)
    // A platform has a slash (`linux/amd64`); a stage name cannot.
    const platform = words.find((w) => w.includes('/'))
    const stage = words.find((w) => !w.includes('/'))
    const truncated = /(\.{3}|…)$/.test(shown)
    const instruction = shown.replace(/\s*(\.{3}|…)$/, '')
    const step: Omit<BuildStep, 'line' | 'cached' | 'status' | 'output'> = {
      index: Number(index),
      total: Number(total),
      keyword: (instruction.split(/\s+/)[0] ?? '').toUpperCase(),
      instruction,
      truncated,
    }
    if (stage) step.stage = stage
    if (platform) step.platform = platform
    return { kind: 'step', step }
  }
  if (/^\[internal\]/.test(text)) return { kind: 'internal', name: text }
  if (/^\[auth\]/.test(text)) return { kind: 'auth', name: text }
  if (/^exporting /.test(text)) return { kind: 'export', name: text }
  if (/^FROM /.test(text)) return { kind: 'source', name: text }
  return { kind: 'other', name: text }
}

/** What the log says about the failure after its steps: the ` > [3/4] RUN …:` block and the message. */
function readFailure(tail: string[], fallback?: { step?: string; message?: string; output: string[] }) {
  // Text after a successful build (`View build details: …`) is no failure.
  if (!fallback && !tail.some((l) => /^-{6,}$/.test(l) || /error|failed/i.test(l))) return undefined
  let step: string | undefined
  const quoted: string[] = []
  let inQuote = false
  const message: string[] = []
  for (const line of tail) {
    const quote = /^ > (.*):$/.exec(line)
    if (quote) {
      step = quote[1]
      inQuote = true
      continue
    }
    if (/^-{6,}$/.test(line)) {
      inQuote = false
      continue
    }
    if (inQuote) {
      quoted.push(line.replace(/^#\d+ /, '').replace(/^\d+\.\d+ ?/, ''))
      continue
    }
    // The Dockerfile excerpt newer clients print (`Dockerfile:3`, `  3 | RUN …`) is not the message.
    if (/^Dockerfile(\.\S+)?:\d+$/.test(line) || /^\s*(>>>)?\s*\d+ \|/.test(line) || line.trim() === '')
      continue
    message.push(line.replace(/^ERROR: /, ''))
  }
  const text = message.at(-1) ?? fallback?.message
  if (text === undefined && step === undefined) return undefined
  const failure: BuildFailure = {
    message: text ?? 'the build failed',
    output: (quoted.length > 0 ? quoted : (fallback?.output ?? [])).slice(-10),
  }
  const failedStep = step ?? fallback?.step
  if (failedStep) failure.step = failedStep
  return failure
}

/** Patterns tried in order; the first that matches handles the line. */
type Rules<T> = [RegExp, (m: RegExpExecArray, target: T) => void][]

function applyFirst<T>(rules: Rules<T>, text: string, target: T): boolean {
  for (const [pattern, handle] of rules) {
    const m = pattern.exec(text)
    if (m) {
      handle(m, target)
      return true
    }
  }
  return false
}

/** What a log says about its image besides the steps. */
interface Found {
  imageId?: string
  tags: string[]
}

const IMAGE_RULES: Rules<Found> = [
  [
    /^writing image (sha256:[0-9a-f]+)/,
    (m, f) => {
      f.imageId = m[1] ?? ''
    },
  ],
  [/^naming to (\S+)/, (m, f) => void f.tags.push(m[1] ?? '')],
]

/** A plain log's lines about a vertex it already named. */
const PLAIN_STATUS: Rules<Entry> = [
  [
    /^DONE (\d+(?:\.\d+)?)s$/,
    (m, e) => {
      e.status = 'done'
      e.seconds = Number(m[1])
    },
  ],
  [
    /^CACHED$/,
    (_, e) => {
      e.status = 'cached'
      e.cached = true
    },
  ],
  [
    /^ERROR:? ?(.*)$/,
    (m, e) => {
      e.status = 'error'
      e.error = m[1] ?? ''
    },
  ],
  [
    /^CANCELED/,
    (_, e) => {
      e.status = 'canceled'
    },
  ],
  [/^(\d+\.\d+)(?: (.*))?$/, (m, e) => void e.output.push(m[2] ?? '')],
]

interface Entry {
  name: Name
  line: number
  vertex?: number
  cached: boolean
  status: StepStatus
  seconds?: number
  output: string[]
  error?: string
}

function toLog(
  base: Pick<BuildLog, 'builder' | 'shape'>,
  entries: Entry[],
  extra: Partial<BuildLog> & { elisions: number[]; tags: string[] },
): BuildLog {
  const steps: BuildStep[] = []
  const vertices: OtherVertex[] = []
  for (const e of entries) {
    const common = { line: e.line, cached: e.cached, status: e.status }
    const timing = e.seconds === undefined ? {} : { seconds: e.seconds }
    const vertex = e.vertex === undefined ? {} : { vertex: e.vertex }
    if (e.name.kind === 'step')
      steps.push({ ...e.name.step, ...common, ...timing, ...vertex, output: e.output })
    else vertices.push({ kind: e.name.kind, name: e.name.name, ...common, ...timing, ...vertex })
  }
  return { ...base, steps, vertices, ...extra }
}

function parsePlain(lines: string[]): BuildLog {
  const byVertex = new Map<number, Entry>()
  const entries: Entry[] = []
  const tail: string[] = []
  const found: Found = { tags: [] }
  let command: string | undefined
  const elisions: number[] = []
  lines.forEach((line, i) => {
    const m = PLAIN_LINE.exec(line)
    if (!m) {
      const cmd = COMMAND.exec(line)
      if (cmd && command === undefined && entries.length === 0) command = cmd[1]
      else if (ELISION.test(line)) elisions.push(i + 1)
      else if (entries.length > 0) tail.push(line)
      return
    }
    const n = Number(m[1])
    const rest = m[2] ?? ''
    // `#0 building with "default" instance using docker driver` (newer clients) is no vertex.
    if (n === 0) return
    const entry = byVertex.get(n)
    if (!entry) {
      const created: Entry = {
        name: readName(rest),
        line: i + 1,
        vertex: n,
        cached: false,
        status: 'running',
        output: [],
      }
      byVertex.set(n, created)
      entries.push(created)
      return
    }
    if (!applyFirst(PLAIN_STATUS, rest, entry)) applyFirst(IMAGE_RULES, rest, found)
    // Otherwise: a repeated header, a digest (`#5 sha256:…`, 20.10), or progress (`transferring context: 2B done`).
  })
  const failed =
    entries.find((e) => e.status === 'error' && e.name.kind === 'step') ??
    entries.find((e) => e.status === 'error')
  const failure = readFailure(
    tail,
    failed && {
      message: failed.error ?? '',
      output: failed.output,
      ...(failed.name.kind === 'step' ? { step: labelOf(failed.name.step) } : { step: failed.name.name }),
    },
  )
  const extra = extras(found, elisions, command, failure)
  // A plain log prints no `(n/m)`: a finished build's count is its vertices, each printed once it starts.
  if (!failure && entries.length > 0 && entries.every((e) => e.status !== 'running'))
    extra.progress = { done: entries.length, total: entries.length, finished: true, counted: true }
  return toLog({ builder: 'buildkit', shape: 'plain' }, entries, extra)
}

function extras(found: Found, elisions: number[], command?: string, failure?: BuildFailure) {
  const extra: Partial<BuildLog> & { elisions: number[]; tags: string[] } = { elisions, tags: found.tags }
  if (command !== undefined) extra.command = command
  if (found.imageId !== undefined) extra.imageId = found.imageId
  if (failure) extra.failure = failure
  return extra
}

function labelOf(step: Omit<BuildStep, 'line' | 'cached' | 'status' | 'output'>): string {
  const prefix = [step.platform, step.stage].filter(Boolean).join(' ')
  return `[${prefix ? `${prefix} ` : ''}${step.index}/${step.total}] ${step.instruction}`
}

function parseTty(lines: string[]): BuildLog {
  let entries: Entry[] = []
  const tail: string[] = []
  const found: Found = { tags: [] }
  let command: string | undefined
  const elisions: number[] = []
  let progress: BuildLog['progress']
  let seconds: number | undefined
  let inBlock = false
  lines.forEach((line, i) => {
    const header = TTY_HEADER.exec(line)
    if (header) {
      // A later frame replaces an earlier one: the screen is redrawn, lessons keep the last.
      entries = []
      seconds = header[1] === undefined ? undefined : Number(header[1])
      progress = {
        done: Number(header[2]),
        total: Number(header[3]),
        finished: header[4] === 'FINISHED',
        counted: false,
      }
      return
    }
    if (/^-{6,}$/.test(line)) inBlock = true
    if (inBlock) {
      tail.push(line)
      return
    }
    const cmd = COMMAND.exec(line)
    if (cmd && entries.length === 0 && !progress) {
      command ??= cmd[1]
      return
    }
    if (ELISION.test(line)) {
      elisions.push(i + 1)
      return
    }
    const arrow = TTY_LINE.exec(line)
    const current = entries.at(-1)
    if (!arrow) {
      // Output a lesson pasted between the steps, or text after the screen.
      if (current && line.trim() !== '') current.output.push(line.trim())
      return
    }
    const rest = arrow[1] ?? ''
    const sub = /^=>\s?(.*)$/.exec(rest)
    if (sub) {
      // ` => => # text` is a running step's output; ` => => naming to …` the image.
      const text = sub[1] ?? ''
      const output = /^#\s?(.*)$/.exec(text)
      if (output) current?.output.push(output[1] ?? '')
      else applyFirst(IMAGE_RULES, text, found)
      return
    }
    entries.push(ttyEntry(rest, i + 1))
  })
  for (const e of entries)
    if (e.status === 'running' && (e.seconds !== undefined || progress?.finished)) e.status = 'done'
  markCut(entries, lines)
  const failed = entries.find((e) => e.status === 'error')
  const failure = readFailure(
    tail,
    failed && {
      output: failed.output,
      ...(failed.name.kind === 'step' ? { step: labelOf(failed.name.step) } : { step: failed.name.name }),
    },
  )
  const extra = extras(found, elisions, command, failure)
  if (progress) extra.progress = progress
  if (seconds !== undefined) extra.seconds = seconds
  return toLog({ builder: 'buildkit', shape: 'tty' }, entries, extra)
}

const FLAG_STATUS: Record<string, StepStatus> = { CACHED: 'cached', ERROR: 'error', CANCELED: 'canceled' }

/** ` => CACHED [2/4] WORKDIR /app     0.0s  <-- a note`. */
/**
 * The terminal printer right-aligns durations at the screen's width and cuts a name that does
 * not fit, with no `...`: a step whose line is as wide as the widest timed line, whose name runs
 * up to the two spaces the printer keeps before the duration (give or take the instruction's own
 * spaces, trimmed where the cut fell), may have been cut, and is read as a prefix.
 */
function markCut(entries: Entry[], lines: string[]): void {
  const timed = entries.filter((e) => e.seconds !== undefined)
  const width = Math.max(0, ...timed.map((e) => (lines[e.line - 1] ?? '').length))
  for (const e of timed) {
    const line = lines[e.line - 1] ?? ''
    const timer = /\s(\d+(?:\.\d+)?s)$/.exec(line)
    if (e.name.kind !== 'step' || !timer?.[1] || line.length !== width) continue
    // The cut may end in spaces of the instruction itself (a continuation's indent), trimmed away.
    const gap = /(\s+)\d+(?:\.\d+)?s$/.exec(line)?.[1]?.length ?? 0
    const inner = Math.max(1, ...(e.name.step.instruction.match(/ +/g) ?? []).map((m) => m.length))
    if (gap <= 2 + inner) e.name.step.truncated = true
  }
}

function ttyEntry(rest: string, line: number): Entry {
  const flagged = /^(CACHED|ERROR|CANCELED) (.*)$/.exec(rest)
  const flag = flagged?.[1] ?? ''
  const body = flagged ? (flagged[2] ?? '') : rest
  // The duration is right-aligned after two or more spaces; some lessons add a note after it.
  const timed = /^(.*?)\s{2,}(\d+(?:\.\d+)?)s(?:\s.*)?$/.exec(body) ?? /^(.*?)\s(\d+\.\d)s$/.exec(body)
  const entry: Entry = {
    name: readName((timed ? (timed[1] ?? '') : body).trim()),
    line,
    cached: flag === 'CACHED',
    status: FLAG_STATUS[flag] ?? 'running',
    output: [],
  }
  if (timed) entry.seconds = Number(timed[2])
  return entry
}

interface ClassicState {
  current?: Entry
  failure?: BuildFailure
  found: Found
}

/** The classic builder's lines besides `Step n/m : …`; a line no rule takes is the step's output. */
const CLASSIC_RULES: Rules<ClassicState> = [
  [
    /^ ---> Using cache$/,
    (_, s) => {
      if (!s.current) return
      s.current.cached = true
      s.current.status = 'cached'
    },
  ],
  // The step's container or the image it made, and bookkeeping.
  [/^ --->(?: (Running in [0-9a-f]+|[0-9a-f]+))?$/, () => {}],
  [/^(Removing intermediate container|Sending build context to Docker daemon)/, () => {}],
  [
    /^Successfully built ([0-9a-f]+)$/,
    (m, s) => {
      s.found.imageId = m[1] ?? ''
    },
  ],
  [/^Successfully tagged (.+)$/, (m, s) => void s.found.tags.push(m[1] ?? '')],
  [/^The command '.*' returned a non-zero code: \d+$/, (m, s) => classicFailure(m[0], s)],
  [/^Error response from daemon: .*$/, (m, s) => classicFailure(m[0], s)],
]

function classicFailure(message: string, s: ClassicState): void {
  const current = s.current
  if (current) current.status = 'error'
  s.failure = { message, output: current?.output.slice(-10) ?? [] }
  if (current?.name.kind === 'step') {
    const step = current.name.step
    s.failure.step = `Step ${step.index}/${step.total} : ${step.instruction}`
  }
}

function parseClassic(lines: string[]): BuildLog {
  const entries: Entry[] = []
  const state: ClassicState = { found: { tags: [] } }
  let command: string | undefined
  const elisions: number[] = []
  let notice = false
  lines.forEach((line, i) => {
    const step = CLASSIC_STEP.exec(line)
    if (step) {
      notice = false
      const instruction = (step[3] ?? '').trim()
      const shown = instruction.replace(/\s*(\.{3}|…)$/, '')
      state.current = {
        name: {
          kind: 'step',
          step: {
            index: Number(step[1]),
            total: Number(step[2]),
            keyword: (shown.split(/\s+/)[0] ?? '').toUpperCase(),
            instruction: shown,
            truncated: shown !== instruction,
          },
        },
        line: i + 1,
        cached: false,
        status: 'done',
        output: [],
      }
      entries.push(state.current)
      return
    }
    const cmd = COMMAND.exec(line)
    if (cmd && !state.current) command ??= cmd[1]
    else if (ELISION.test(line)) elisions.push(i + 1)
    else if (/^DEPRECATED: /.test(line) || (notice && /^\s{4,}\S/.test(line))) {
      // Docker 23+ says the classic builder is deprecated, over a few indented lines.
      notice = true
    } else if (!applyFirst(CLASSIC_RULES, line, state) && state.current && line.trim() !== '')
      state.current.output.push(line)
  })
  return toLog(
    { builder: 'classic', shape: 'classic' },
    entries,
    extras(state.found, elisions, command, state.failure),
  )
}
