import { describe, expect, it } from 'vitest'
import {
  dockerSize,
  FormatError,
  formatNumberLike,
  formatPercentLike,
  formatReductionLike,
  formatSizeLike,
  goFormatG,
  reductionPct,
} from './format.js'

describe('dockerSize', () => {
  // Byte counts (`docker image inspect --format '{{.Size}}'`) and the SIZE `docker images` or
  // `docker history` printed for them, on the engine here (20.10.24); see lab/README.md.
  it.each([
    [116_562_446, '117MB'],
    [74_822_234, '74.8MB'],
    [125_290_539, '125MB'],
    [686_792, '687kB'],
    [4_460_544, '4.46MB'],
    [2_000_624, '2MB'],
    [1125, '1.12kB'],
    [999_999, '1e+03kB'],
    [999_500, '1e+03kB'],
    [0, '0B'],
  ])('prints %d bytes as the engine did: %s', (bytes, text) => {
    expect(dockerSize(bytes)).toBe(text)
  })

  it('follows go-units for the sizes lessons quote', () => {
    expect(dockerSize(1_214_000_000)).toBe('1.21GB')
    expect(dockerSize(115_400_000)).toBe('115MB')
    expect(dockerSize(1520)).toBe('1.52kB')
    expect(dockerSize(999)).toBe('999B')
    expect(dockerSize(1_000_000)).toBe('1MB')
  })

  it('takes another precision (HumanSize uses 4)', () => {
    expect(dockerSize(125_290_539, 4)).toBe('125.3MB')
  })
})

describe('goFormatG', () => {
  it.each([
    [1.25, 3, '1.25'],
    [1.125, 3, '1.12'],
    [1.135, 3, '1.14'],
    [999.999, 3, '1e+03'],
    [0.00001234, 3, '1.23e-05'],
    [100, 3, '100'],
    [12.5, 2, '12'],
  ])('%d with %d digits is %s', (value, precision, text) => {
    expect(goFormatG(value, precision)).toBe(text)
  })
})

describe('formatSizeLike', () => {
  it.each([
    // Docker's own form: Docker's digits.
    [95_700_000, '115MB', '95.7MB'],
    [1_214_000_000, '458MB', '1.21GB'],
    [950_300_000, '1.21GB', '950MB'],
    // An author's spacing, unit spelling and precision.
    [512_300_000, '428 MB', '512 MB'],
    [13_400_000, '12 Mb', '13 Mb'],
    [172_400_000, '~150MB', '~170MB'],
    [237_000_000, '200+MB', '200+MB'],
    [312_000_000, '200+MB', '300+MB'],
    [1_530_000_000, '1.50 GB', '1.53 GB'],
    [1_234_000_000, '850 MB', '1.2 GB'],
    [820_000_000, '~1.2GB', '~820MB'],
    [3 * 1024 ** 2, '512MiB', '3 MiB'.replace(' ', '')],
    [1.5 * 1024 ** 3, '900MiB', '1.5GiB'],
    [12_582_912, '4.0M', '12.0M'],
    [4_700_000, '3.2mb', '4.7mb'],
    [2_000_000, '900KB', '2MB'],
    [1_520, '2MB', '1.52kB'],
    [5_000, '1048576 bytes', '5000 bytes'],
    [640_000, 'about 500 kB', 'about 600 kB'],
  ])('writes %d bytes like %j: %j', (bytes, original, expected) => {
    expect(formatSizeLike(bytes, original)).toBe(expected)
  })

  it('keeps the words around the size', () => {
    expect(formatSizeLike(131_000_000, 'Final image (~115MB)')).toBe('Final image (~131MB)')
    expect(formatSizeLike(131_000_000, '| **115MB** |')).toBe('| **131MB** |')
  })

  it('refuses text without a size', () => {
    expect(() => formatSizeLike(1, 'python:3.12-slim')).toThrow(FormatError)
    expect(() => formatSizeLike(1, 'python:3.12-slim')).toThrowErrorMatchingInlineSnapshot(
      `[FormatError: no size in "python:3.12-slim": expected a number and a unit, like "115MB" or "428 MB"]`,
    )
  })
})

describe('formatPercentLike and reductions', () => {
  it('keeps the original’s decimals and marks', () => {
    expect(formatPercentLike(64.26, '62%')).toBe('64%')
    expect(formatPercentLike(90.74, '90.5%')).toBe('90.7%')
    expect(formatPercentLike(71.9, '~70 %')).toBe('~72 %')
    expect(formatPercentLike(78.9, '70%+')).toBe('78%+')
  })

  it('recomputes a reduction from new sizes', () => {
    expect(reductionPct(1_210_000_000, 115_000_000)).toBeCloseTo(90.496, 3)
    expect(formatReductionLike(1_210_000_000, 115_000_000, '(90.5% reduction)')).toBe('(90.5% reduction)')
    expect(formatReductionLike(1_210_000_000, 131_000_000, '(90.5% reduction)')).toBe('(89.2% reduction)')
    expect(formatReductionLike(458_000_000, 174_000_000, '62%')).toBe('62%')
    expect(formatReductionLike(458_000_000, 190_000_000, '62%')).toBe('59%')
  })

  it('refuses a reduction from nothing', () => {
    expect(() => reductionPct(0, 1)).toThrow(FormatError)
  })
})

describe('formatNumberLike', () => {
  it('keeps decimals and thousands separators', () => {
    expect(formatNumberLike(12, '9 layers')).toBe('12 layers')
    expect(formatNumberLike(1234567, '1,024 files')).toBe('1,234,567 files')
    expect(formatNumberLike(2.25, 'x3.5 faster')).toBe('x2.3 faster')
  })
})
