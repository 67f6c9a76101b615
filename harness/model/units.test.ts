import { describe, expect, it } from 'vitest'
import { dockerSize, findSizes, parsePercent, parseSize, sizeInterval } from './units.js'

describe('parseSize', () => {
  it.each([
    ['1.21GB', 1.21e9, 0.005e9, false],
    ['458MB', 458e6, 0.5e6, false],
    ['1.52kB', 1520, 5, false],
    ['0B', 0, 0.5, false],
    ['~450MB', 450e6, 0.5e6, true],
    ['512MiB', 512 * 1024 ** 2, 0.5 * 1024 ** 2, false],
    ['1.5GiB', 1.5 * 1024 ** 3, 0.05 * 1024 ** 3, false],
    ['1048576 bytes', 1048576, 0.5, false],
    ['about 150MB', 150e6, 0.5e6, true],
    ['1,024 MB', 1024e6, 0.5e6, false],
    ['1e+03MB', 1e9, 500e6, false],
  ])('reads %s', (text, bytes, rounding, approx) => {
    const size = parseSize(text)
    expect(size?.bytes).toBeCloseTo(bytes, 0)
    expect(size?.rounding).toBeCloseTo(rounding, 3)
    expect(size?.approx).toBe(approx)
  })

  it('finds no size in plain words or versions', () => {
    expect(parseSize('python:3.12-slim and 10-100x')).toBeUndefined()
  })

  it('finds every size in a sentence', () => {
    expect(findSizes('From 1.21GB to 118MB.').map((s) => s.size.text)).toEqual(['1.21GB', '118MB'])
  })
})

describe('parsePercent', () => {
  it('keeps the rounding of the written digits', () => {
    expect(parsePercent('62% smaller')).toEqual({ value: 62, text: '62%', rounding: 0.5 })
    expect(parsePercent('**90.5%**')?.rounding).toBeCloseTo(0.05)
  })
})

describe('dockerSize', () => {
  it.each([
    [1_214_000_000, '1.21GB'],
    [458_123_456, '458MB'],
    [1520, '1.52kB'],
    [0, '0B'],
    [999, '999B'],
    [115_400_000, '115MB'],
    // Go's %.3g: Docker itself prints a size just under 1000MB in exponent form.
    [999_600_000, '1e+03MB'],
    [999_400_000, '999MB'],
    // An exact tie rounds to even, as Go does: the engine here printed 1125 bytes as "1.12kB".
    [1125, '1.12kB'],
    [1_000_000_000, '1GB'],
  ])('prints %d as %s', (bytes, text) => {
    expect(dockerSize(bytes)).toBe(text)
  })
})

function size(text: string) {
  const parsed = parseSize(text)
  if (!parsed) throw new Error(`no size in ${text}`)
  return parsed
}

describe('sizeInterval', () => {
  it('uses rounding for exact sizes and the tolerance for approximate ones', () => {
    expect(sizeInterval(size('458MB'), 15)).toEqual([457.5e6, 458.5e6])
    expect(sizeInterval(size('~100MB'), 15)).toEqual([85e6, 115e6])
  })
})
