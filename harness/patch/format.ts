import { DOCKER_UNITS, dockerSize, goFormatG, trimZeros } from '../model/units.js'

export { dockerSize, goFormatG }

/**
 * Numbers written the way the place they go into writes them: Docker's own sizes exactly as
 * the CLI prints them, an author's sizes and percentages with the author's spacing, unit case,
 * approximation marks and precision, so a suggested edit changes the number and nothing else.
 */

/** A written number's parts: what comes before and after it stays as written. */
interface Written {
  lead: string
  digits: string
  /** Between the number and its unit: a space, a "+" ("200+MB"), or nothing. */
  mid: string
  unit: string
  tail: string
}

const WRITTEN_SIZE = /^(.*?)(\d+(?:\.\d+)?)(\+?\s?)(bytes?|[kKmMgGtTpP]i?[bB]|B|[KMGTP])(?![A-Za-z])(.*)$/s
const WRITTEN_PERCENT = /^(.*?)(\d+(?:\.\d+)?)(\s?)%(.*)$/s
const WRITTEN_NUMBER = /^(.*?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(.*)$/s

export class FormatError extends Error {
  override readonly name = 'FormatError'
}

/** Reads a written number; its groups are lead, digits, then (for sizes) mid and unit, then tail. */
function written(pattern: RegExp, text: string, what: string): Written {
  const m = pattern.exec(text)
  if (!m) {
    const shape = what === 'size' ? 'a number and a unit, like "115MB" or "428 MB"' : `a ${what}`
    throw new FormatError(`no ${what} in ${JSON.stringify(text)}: expected ${shape}`)
  }
  const [, lead = '', digits = '', ...rest] = m
  if (pattern === WRITTEN_SIZE)
    return { lead, digits, mid: rest[0] ?? '', unit: rest[1] ?? '', tail: rest[2] ?? '' }
  if (pattern === WRITTEN_PERCENT) return { lead, digits, mid: rest[0] ?? '', unit: '%', tail: rest[1] ?? '' }
  return { lead, digits, mid: '', unit: '', tail: rest[0] ?? '' }
}

function decimalsOf(digits: string): number {
  return digits.includes('.') ? (digits.split('.')[1]?.length ?? 0) : 0
}

/** Significant digits as the author meant them: "150" has 2, "1.50" has 3, "200" has 1. */
function significantOf(digits: string): number {
  const bare = digits.replace(',', '')
  if (bare.includes('.')) return Math.max(1, bare.replace('.', '').replace(/^0+/, '').length)
  return Math.max(1, bare.replace(/^0+/, '').replace(/0+$/, '').length)
}

/** A lower bound ("200+MB", "70%+") is rounded down, so the bound still holds. */
function isLowerBound(w: Written): boolean {
  return w.mid.includes('+') || w.tail.startsWith('+')
}

function roundSignificant(value: number, significant: number, down: boolean): number {
  if (value === 0) return 0
  const magnitude = 10 ** (Math.floor(Math.log10(Math.abs(value))) - significant + 1)
  const steps = value / magnitude
  // A tiny epsilon keeps 2.9999999 from flooring to 2.
  return (down ? Math.floor(steps + 1e-9) : Math.round(steps)) * magnitude
}

/** Plain digits for a value already rounded: no exponent, no float noise. */
function plain(value: number, decimals: number): string {
  return value.toFixed(Math.max(0, decimals))
}

const SCALE_LETTERS = ['', 'K', 'M', 'G', 'T', 'P']

interface UnitStyle {
  base: 1000 | 1024
  scale: number
  render: (scale: number) => string
}

/** The original unit's scale and a renderer of other scales in the same spelling. */
function unitStyle(unit: string): UnitStyle {
  if (/^bytes?$/.test(unit) || unit === 'B') {
    return { base: 1000, scale: 0, render: (s) => (s === 0 ? unit : s === 1 ? 'kB' : `${SCALE_LETTERS[s]}B`) }
  }
  const letter = unit[0] ?? 'M'
  const scale = SCALE_LETTERS.indexOf(letter.toUpperCase())
  if (unit.length === 1) {
    // ls -h and du -h: powers of 1024 with a bare letter.
    return { base: 1024, scale, render: (s) => (s === 0 ? '' : (SCALE_LETTERS[s] ?? '')) }
  }
  const binary = unit[1] === 'i'
  const b = unit.at(-1) ?? 'B'
  const lower = letter === letter.toLowerCase() && letter !== 'k'
  const upperKilo = letter === 'K'
  return {
    base: binary ? 1024 : 1000,
    scale,
    render: (s) => {
      if (s === 0) return b === 'b' ? 'b' : 'B'
      let l = SCALE_LETTERS[s] ?? ''
      if (lower) l = l.toLowerCase()
      // SI's kilo is a small k, as Docker writes it, unless the author wrote "KB".
      else if (s === 1 && !binary && !upperKilo) l = 'k'
      return `${l}${binary ? 'i' : ''}${b}`
    },
  }
}

/** Whether a size is written exactly as Docker prints one: no spacing, no marks, Docker's digits. */
function isDockerWritten(w: Written): boolean {
  if (w.lead !== '' || w.mid !== '' || w.tail !== '' || !DOCKER_UNITS.includes(w.unit)) return false
  const bytes = Number(w.digits) * 1000 ** DOCKER_UNITS.indexOf(w.unit)
  return dockerSize(bytes) === `${w.digits}${w.unit}`
}

/**
 * `bytes` written the way `original` writes a size: "115MB" (as Docker prints) becomes Docker's
 * own "95.7MB"; an author's "428 MB", "12 Mb", "~150MB", "200+MB" keep their spacing, unit
 * spelling, marks and precision ("~170MB", "300+MB"). The unit moves up or down only when the
 * number would leave its range ("1.21GB" → "950MB").
 */
export function formatSizeLike(bytes: number, original: string): string {
  const w = written(WRITTEN_SIZE, original, 'size')
  if (isDockerWritten(w)) return original.replace(`${w.digits}${w.unit}`, dockerSize(bytes))
  if (/^bytes?$/.test(w.unit)) return `${w.lead}${Math.round(bytes)}${w.mid}${w.unit}${w.tail}`

  const style = unitStyle(w.unit)
  const down = isLowerBound(w)
  const significant = significantOf(w.digits)
  let scale = style.scale
  let value = bytes / style.base ** scale
  let rounded = roundSignificant(value, significant, down)
  const unitKept = rounded >= 1 && rounded < style.base
  let digits: string
  if (unitKept) {
    const decimals = decimalsOf(w.digits)
    digits =
      decimals > 0
        ? plain(down ? Math.floor(value * 10 ** decimals) / 10 ** decimals : value, decimals)
        : plain(rounded, 0)
  } else {
    scale = 0
    value = bytes
    while (value >= style.base && scale < SCALE_LETTERS.length - 1) {
      value /= style.base
      scale++
    }
    rounded = roundSignificant(value, Math.max(2, significant), down)
    if (rounded >= style.base && scale < SCALE_LETTERS.length - 1) {
      scale++
      rounded /= style.base
    }
    const decimals = Math.max(0, Math.max(2, significant) - 1 - Math.floor(Math.log10(Math.max(rounded, 1))))
    digits = trimZeros(plain(rounded, decimals))
  }
  return `${w.lead}${digits}${w.mid}${style.render(scale)}${w.tail}`
}

/** A percentage with the original's decimals and marks: "62%" → "64%", "90.5%" → "90.7%", "70%+" floors. */
export function formatPercentLike(value: number, original: string): string {
  const w = written(WRITTEN_PERCENT, original, 'percentage')
  const decimals = decimalsOf(w.digits)
  const shown = w.tail.startsWith('+') ? Math.floor(value * 10 ** decimals + 1e-9) / 10 ** decimals : value
  return `${w.lead}${plain(shown, decimals)}${w.mid}%${w.tail}`
}

/** How much smaller `after` is than `before`, in percent of `before`. */
export function reductionPct(beforeBytes: number, afterBytes: number): number {
  if (beforeBytes <= 0) throw new FormatError(`a reduction needs a size before it, got ${beforeBytes} bytes`)
  return (1 - afterBytes / beforeBytes) * 100
}

/** A reduction recomputed from new sizes, written like the original ("62% reduction", "90.5%"). */
export function formatReductionLike(beforeBytes: number, afterBytes: number, original: string): string {
  return formatPercentLike(reductionPct(beforeBytes, afterBytes), original)
}

/** A plain number with the original's decimals and thousands separators ("1,234", "3.5"). */
export function formatNumberLike(value: number, original: string): string {
  const w = written(WRITTEN_NUMBER, original, 'number')
  const decimals = decimalsOf(w.digits)
  let digits = plain(value, decimals)
  if (w.digits.includes(',')) {
    const [whole = '', fraction] = digits.split('.')
    digits = `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`
  }
  return `${w.lead}${digits}${w.tail}`
}
