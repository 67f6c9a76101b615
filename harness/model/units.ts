/**
 * Sizes and percentages: how lessons write them, how Docker prints them, and the arithmetic every
 * stage shares. The one place that knows what "458MB" means.
 */
import { z } from 'zod'

/** A size as a lesson writes it, with the rounding its text implies. */
export const Size = z.object({
  /** The size in bytes (decimal units as Docker prints them: 1 kB = 1000 B; MiB/GiB binary). */
  bytes: z.number().nonnegative(),
  /** The text as written. @example "1.21GB" */
  text: z.string(),
  /** Half the last written digit, in bytes: "458MB" is 458 ± 0.5 MB. */
  rounding: z.number().nonnegative(),
  /** Written as approximate ("~450MB", "about 150MB"): compared with the relative tolerance. */
  approx: z.boolean(),
})
export type Size = z.infer<typeof Size>

/** A percentage as written, with its rounding. */
export const Percent = z.object({
  value: z.number(),
  text: z.string(),
  /** Half the last written digit: "62%" is 62 ± 0.5, "90.5%" is 90.5 ± 0.05. */
  rounding: z.number().nonnegative(),
})
export type Percent = z.infer<typeof Percent>

const UNITS: Record<string, number> = {
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
}

/**
 * Digits as written: "458", "1.21", "1,024" (a thousands separator, not a decimal comma), and
 * Go's exponent form that `docker images` prints for a size just under the next unit ("1e+03").
 */
const DIGITS = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[+-]\d+)?`

/** A size in text: "1.21GB", "458 MB", "~450MB", "1.52kB", "0B", "512MiB", "1,024 MB", "1048576 bytes". */
export const SIZE_PATTERN = new RegExp(
  String.raw`(~|≈|about\s+|approximately\s+)?(${DIGITS})\s?(bytes|byte|[kKMGT]i?B|B)\b`,
  'g',
)

/**
 * Reads a size the way `docker images` prints it (decimal kB/MB/GB), or binary MiB/GiB, or bytes.
 * The rounding is half the last written digit, so "458MB" covers 457.5–458.5 MB.
 */
export function parseSize(text: string): Size | undefined {
  const match = new RegExp(SIZE_PATTERN.source).exec(text)
  return match ? sizeFromMatch(match) : undefined
}

/** Every size in a text, in order. */
export function findSizes(text: string): { index: number; size: Size }[] {
  return [...text.matchAll(SIZE_PATTERN)].map((m) => ({ index: m.index ?? 0, size: sizeFromMatch(m) }))
}

function sizeFromMatch(match: RegExpExecArray | RegExpMatchArray): Size {
  const [, approx, written = '0', unit = 'B'] = match
  const [mantissa = '0', exponent = '0'] = written.replace(/,/g, '').split('e')
  const multiplier = UNITS[unit.toLowerCase()] ?? 1
  const decimals = mantissa.includes('.') ? (mantissa.split('.')[1]?.length ?? 0) : 0
  return {
    bytes: Number(mantissa) * 10 ** Number(exponent) * multiplier,
    text: match[0].trim(),
    rounding: (0.5 * multiplier * 10 ** Number(exponent)) / 10 ** decimals,
    approx: approx !== undefined,
  }
}

/** "62%", "90.5%": value and the rounding the text implies. */
export function parsePercent(text: string): Percent | undefined {
  const match = /(\d+(?:\.\d+)?)\s?%/.exec(text)
  if (!match) return undefined
  const digits = match[1] ?? '0'
  const decimals = digits.includes('.') ? (digits.split('.')[1]?.length ?? 0) : 0
  return { value: Number(digits), text: match[0], rounding: 0.5 / 10 ** decimals }
}

/** Decimal units go-units uses for HumanSize (`docker images`, `docker history`). */
export const DOCKER_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB']

export function trimZeros(digits: string): string {
  return digits.includes('.') ? digits.replace(/\.?0+$/, '') : digits
}

/**
 * `digits` decimals, rounding exact ties to even as Go's strconv does (JS rounds them up):
 * 1.125 to two decimals is "1.12" in Go.
 */
function toFixedHalfEven(value: number, digits: number): string {
  const scaled = value * 10 ** digits
  const floor = Math.floor(scaled)
  if (scaled - floor === 0.5) {
    const even = floor % 2 === 0 ? floor : floor + 1
    return (even / 10 ** digits).toFixed(digits)
  }
  return value.toFixed(digits)
}

/** Go's `fmt.Sprintf("%.*g", precision, value)`: shortest of %e and %f, trailing zeros dropped. */
export function goFormatG(value: number, precision: number): string {
  if (value === 0) return '0'
  const p = Math.max(1, precision)
  const exponent = Number(value.toExponential(p - 1).split('e')[1])
  if (exponent < -4 || exponent >= p) {
    const [mantissa = '0', exp = '0'] = value.toExponential(p - 1).split('e')
    const n = Number(exp)
    return `${trimZeros(mantissa)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`
  }
  return trimZeros(toFixedHalfEven(value, Math.max(0, p - 1 - exponent)))
}

/**
 * A size as the Docker CLI prints it: go-units `HumanSizeWithPrecision(bytes, precision)`,
 * decimal units, 3 significant digits for `docker images` and `docker history` ("1.21GB",
 * "115MB", "1.52kB", "0B"; 999999 bytes is "1e+03kB", as Docker really prints it).
 */
export function dockerSize(bytes: number, precision = 3): string {
  let size = bytes
  let i = 0
  while (size >= 1000 && i < DOCKER_UNITS.length - 1) {
    size /= 1000
    i++
  }
  return `${goFormatG(size, precision)}${DOCKER_UNITS[i]}`
}

/** The interval a written size stands for: its rounding, or ± the tolerance when approximate. */
export function sizeInterval(size: Size, tolerancePct: number): [number, number] {
  const spread = size.approx ? (size.bytes * tolerancePct) / 100 : size.rounding
  return [size.bytes - spread, size.bytes + spread]
}

/** Relative difference of two byte counts, in percent of the second. */
export function relativeDiffPct(a: number, b: number): number {
  return b === 0 ? (a === 0 ? 0 : 100) : (Math.abs(a - b) / b) * 100
}

/** Whether a measured or stated byte count is within a relative tolerance of a written size. */
export function withinPct(bytes: number, size: Size, tolerancePct: number): boolean {
  return relativeDiffPct(bytes, size.bytes) <= tolerancePct
}

/** The reduction from one size to another, in percent of the first. */
export function reductionPct(from: number, to: number): number {
  return (1 - to / from) * 100
}

/** The reduction range two written sizes allow: 1 − to/from over their rounding intervals. */
export function reductionRange(from: Size, to: Size): [number, number] {
  const fromLo = from.bytes - from.rounding
  const fromHi = from.bytes + from.rounding
  const toLo = Math.max(0, to.bytes - to.rounding)
  const toHi = to.bytes + to.rounding
  return [reductionPct(fromLo, toHi), reductionPct(fromHi, toLo)]
}

export function fmtPct(value: number, digits = 1): string {
  return `${Number(value.toFixed(digits))}%`
}
