import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { changePct, DriftReport, formatChange, instruction, shortDigest } from './report.js'

const fixture = DriftReport.parse(JSON.parse(readFileSync('fixtures/drift/report.json', 'utf8')))

describe('the report model', () => {
  it('computes and prints changes as the reports show them', () => {
    expect(changePct(99150747, 139150748)).toBeCloseTo(40.34, 2)
    expect(changePct(0, 0)).toBe(0)
    expect(formatChange(40.343)).toBe('+40.3%')
    expect(formatChange(-4)).toBe('−4%')
    expect(formatChange(0.04)).toBe('0%')
    expect(shortDigest(`sha256:${'ab'.repeat(32)}`)).toBe('abababababab')
    expect(instruction('/bin/sh -c #(nop)  CMD ["python3"]')).toBe('CMD ["python3"]')
    expect(instruction('/bin/sh -c apt-get update')).toBe('apt-get update')
  })

  it('holds the fixture to its own arithmetic', () => {
    for (const it of fixture.lessons.flatMap((l) => l.iterations)) {
      expect(it.changePct).toBeCloseTo(changePct(it.before, it.after), 9)
      expect(it.drift.base + it.drift.own).toBe(it.after - it.before)
    }
  })
})
