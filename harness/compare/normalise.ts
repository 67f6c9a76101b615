/**
 * What changes between two runs of the same command, replaced by a placeholder, and the
 * measurements a line holds, taken out to be compared within a tolerance. A claimed line and
 * an actual line match when their skeletons are equal and their measurements agree.
 */

/** A size written in an output: `125MB` (docker), `4.0K` (`ls -lh`), `512MiB`, `1048576 bytes`. */
export interface Measurement {
  bytes: number
  /** As written. */
  text: string
  /** Half the last written digit: "458MB" stands for 457.5–458.5 MB. */
  rounding: number
}

export interface NormalisedLine {
  /** The line with volatile parts and measurements replaced by placeholders. */
  skeleton: string
  sizes: Measurement[]
}

/** How the run's own values map back to the lesson's, applied to the actual side only. */
export interface RunMapping {
  /** Host ports the run published for the lesson's: `{ lesson: 8000, run: 49153 }`. */
  ports: { lesson: number; run: number }[]
  /** Literal text of the run replaced by the lesson's (a workstation path by the author's). */
  replacements: { actual: string; claimed: string }[]
}

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)'
const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)'
/** Docker's HumanDuration (`docker ps` STATUS, CREATED): "Less than a second", "About a minute", "15 seconds". */
const HUMAN_DURATION =
  '(?:Less than a second|About an? (?:minute|hour)|\\d+ (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?))'

/** Applied in order; each replaces something that differs between runs by a stable placeholder. */
const VOLATILE: [RegExp, string][] = [
  // Digests, full or shortened, before the bare IDs they contain.
  [/sha256:[0-9a-f]{12,64}\b/g, 'sha256:<digest>'],
  // Image and container IDs, full (64) or short (12) hex.
  [/\b[0-9a-f]{64}\b/g, '<id>'],
  [/\b[0-9a-f]{12}\b/g, '<id>'],
  // Timestamps: ISO 8601 and Go's time.String() ("2024-03-01 10:00:00 +0000 UTC").
  [
    /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?(?:Z|[+-]\d{2}:?\d{2}))?(?: [A-Z]{2,5}\b)?/g,
    '<time>',
  ],
  // HTTP dates ("Tue, 05 Mar 2024 10:00:00 GMT") and date(1) ("Tue Mar  5 10:00:00 UTC 2024").
  [new RegExp(`\\b${WEEKDAY}, \\d{2} ${MONTH} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT`, 'g'), '<time>'],
  [new RegExp(`\\b${WEEKDAY} ${MONTH} [ \\d]\\d \\d{2}:\\d{2}:\\d{2}(?: [A-Z]{2,5})? \\d{4}`, 'g'), '<time>'],
  // ls -l: "Mar  5 10:00" or "Mar  5  2023".
  [new RegExp(`\\b${MONTH} +\\d{1,2} +(?:\\d{2}:\\d{2}|\\d{4})\\b`, 'g'), '<time>'],
  [/\b\d{4}-\d{2}-\d{2}\b/g, '<date>'],
  [/\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>'],
  // "15 seconds ago", "Up About a minute", "Exited (0) 3 hours ago".
  [new RegExp(`${HUMAN_DURATION} ago\\b`, 'g'), '<ago>'],
  [new RegExp(`\\bUp ${HUMAN_DURATION}`, 'g'), 'Up <duration>'],
  // BuildKit's plain progress: "#5 0.512 Collecting …", "#5 DONE 0.4s".
  [/^#(\d+) \d+\.\d+ /g, '#$1 <t> '],
  // Elapsed times: "0.4s", "1m2.5s", "real 0m1.234s", "took 45ms", "in 2.3 seconds".
  [/\b(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?(?:ns|µs|us|ms|s)\b/g, '<duration>'],
  [/\b\d+(?:\.\d+)? ?(?:milliseconds?|seconds?|secs?|minutes?|mins?)\b/g, '<duration>'],
  // PIDs: "Started server process [27]", "pid 1234", bash's "[1] 12345".
  [/\b(process|pid|PID|Pid)(\s*[:=]?\s*\[?)\d+/g, '$1$2<pid>'],
  [/^\[(\d+)\]\s+\d+$/g, '[$1] <pid>'],
  // A client's ephemeral port in access logs: `127.0.0.1:54321 - "GET /health HTTP/1.1" 200`.
  [/\b(\d{1,3}(?:\.\d{1,3}){3}):\d{2,5}( - ")/g, '$1:<port>$2'],
  // Addresses the engine gives containers on its bridge networks (172.17.0.2, …).
  [/\b172\.(?:1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}\b/g, '<bridge-ip>'],
  // Temp dirs: /tmp/tmp.Xa3, /tmp/lessonproof-abc123/…, macOS /var/folders/….
  [/(?:\/private)?\/var\/folders\/[^\s'"]+/g, '<tmp>'],
  [/\/tmp\/[A-Za-z0-9._-]+/g, '/tmp/<tmp>'],
]

/** Published ports: "0.0.0.0:8000->8000/tcp, :::8000->8000/tcp" holds the same facts as "8000->8000/tcp". */
const PORT_BINDING =
  /(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]*\]|:::?|::)?:)?(\d+)->(\d+\/(?:tcp|udp|sctp))/g
/** `docker port`: "8000/tcp -> 0.0.0.0:8000". */
const PORT_LINE = /(\d+\/(?:tcp|udp|sctp)) -> (?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]*\]|::?):(\d+)/g

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  byte: 1,
  bytes: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  // ls -h, du -h: powers of 1024 with a bare letter.
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
}

/**
 * A size: a number and its unit. A bare K/M/G/T counts only when attached to the number
 * (`4.0K`, `12M` as `ls -lh` prints them); `B`-units may be spaced ("428 MB"). Docker writes
 * 999.5–999.999 kB as "1e+03kB" (Go's %g), so an exponent is read too.
 */
const SIZE = /(?<![\w.])(\d+(?:\.\d+)?(?:e[+-]\d+)?)(?:([KMGT])|\s?(bytes?|[kKmMgGtT]i?[bB]|B))(?![\w])/g

/**
 * An `ls -l` line: mode, links, owner, group. The owner and group are whoever ran the lesson,
 * and ls pads its columns to the widest entry, so both are normalised; a bare fifth field is
 * a byte count (without -h).
 */
const LS_LONG = /^([-dlcbps][rwxsStT-]{9}[.+@]?)\s+(\d+)\s+\S+\s+\S+\s+/

/** Reads one size as written (for tests and the patcher). */
export function readSize(text: string): Measurement | undefined {
  const match = new RegExp(SIZE.source).exec(text)
  return match ? sizeOf(match) : undefined
}

function sizeOf(match: RegExpExecArray): Measurement {
  const digits = match[1] ?? '0'
  const unit = (match[2] ?? match[3] ?? 'B').toLowerCase()
  const multiplier = SIZE_UNITS[unit] ?? 1
  const [mantissa = '0', exponent = '0'] = digits.split('e')
  const decimals = mantissa.includes('.') ? (mantissa.split('.')[1]?.length ?? 0) : 0
  const rounding = (0.5 * multiplier * 10 ** Number(exponent)) / 10 ** decimals
  return { bytes: Number(digits) * multiplier, text: match[0], rounding }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The actual side's run-specific values turned back into the lesson's (ports, paths). */
export function mapRun(line: string, mapping: RunMapping): string {
  let out = line
  for (const { actual, claimed } of mapping.replacements) {
    if (actual !== '') out = out.split(actual).join(claimed)
  }
  for (const { lesson, run } of mapping.ports) {
    if (lesson === run) continue
    // A host port: after "host:" or before "->", never inside a longer number.
    out = out.replace(new RegExp(`(?<=:)${run}(?!\\d)`, 'g'), String(lesson))
    out = out.replace(new RegExp(`(?<!\\d)${escapeRegExp(String(run))}(?=->)`, 'g'), String(lesson))
  }
  return out
}

function normalisePorts(line: string): string {
  const bound = line.replace(PORT_BINDING, '$1->$2').replace(PORT_LINE, '$1 -> <host>:$2')
  // The same binding listed for IPv4 and IPv6 once the addresses are gone.
  return bound.replace(/(\d+->\d+\/\w+)((?:, \d+->\d+\/\w+)+)/g, (all: string) =>
    [...new Set(all.split(', '))].join(', '),
  )
}

/**
 * The skeleton of a line and the sizes it holds. `extra` are patterns of the caller's that
 * also vary between runs (a container's generated name, say); each match becomes `<var>`.
 */
export function normaliseLine(line: string, extra: readonly RegExp[] = []): NormalisedLine {
  let text = normalisePorts(line.replace(/\s+$/, ''))
  for (const [pattern, replacement] of VOLATILE) text = text.replace(pattern, replacement)
  for (const pattern of extra) text = text.replace(toGlobal(pattern), '<var>')
  const sizes: Measurement[] = []
  const ls = LS_LONG.exec(text)
  if (ls) {
    let rest = text.slice(ls[0].length).replace(/\s+/g, ' ')
    const bytes = /^(\d+)(?= )/.exec(rest)?.[1]
    if (bytes !== undefined) {
      sizes.push({ bytes: Number(bytes), text: bytes, rounding: 0.5 })
      rest = `<size>${rest.slice(bytes.length)}`
    }
    text = `${ls[1]} ${ls[2]} <owner> <group> ${rest}`
  }
  text = text.replace(SIZE, (...args: unknown[]) => {
    const match = args.slice(0, -2) as unknown as RegExpExecArray
    sizes.push(sizeOf(match))
    return '<size>'
  })
  return { skeleton: text, sizes }
}

function toGlobal(pattern: RegExp): RegExp {
  return pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`)
}

/** Whether a measured size holds a claimed one: within the tolerance, plus the claim's rounding. */
export function sizeHolds(claimed: Measurement, actual: Measurement, tolerancePct: number): boolean {
  const spread = (claimed.bytes * tolerancePct) / 100 + claimed.rounding
  return Math.abs(actual.bytes - claimed.bytes) <= spread
}

/** "+52.0%": how far a measurement is from the claim, in percent of the claim. */
export function sizeChange(claimed: Measurement, actual: Measurement): string {
  if (claimed.bytes === 0) return actual.bytes === 0 ? '0%' : 'from zero'
  const pct = ((actual.bytes - claimed.bytes) / claimed.bytes) * 100
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`
}
