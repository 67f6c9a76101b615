import type { Percent, Size } from '../model/index.js'

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

/** A size in text: "1.21GB", "458 MB", "~450MB", "1.52kB", "0B", "512MiB", "1048576 bytes". */
export const SIZE_PATTERN = /(~|≈|about\s+|approximately\s+)?(\d+(?:\.\d+)?)\s?(bytes|byte|[kKMGT]i?B|B)\b/g

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
  const [, approx, digits = '0', unit = 'B'] = match
  const multiplier = UNITS[unit.toLowerCase()] ?? 1
  const decimals = digits.includes('.') ? (digits.split('.')[1]?.length ?? 0) : 0
  return {
    bytes: Number(digits) * multiplier,
    text: match[0].trim(),
    rounding: (0.5 * multiplier) / 10 ** decimals,
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

/**
 * Formats bytes as `docker images` does (go-units HumanSizeWithPrecision, 3 significant
 * digits, decimal units): 1214000000 → "1.21GB", 1520 → "1.52kB".
 */
export function dockerSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']
  let value = bytes
  let i = 0
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000
    i++
  }
  return `${Number(value.toPrecision(3))}${units[i]}`
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

export function fmtPct(value: number, digits = 1): string {
  return `${Number(value.toFixed(digits))}%`
}
