import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeChangedBase } from './selection.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lessonproof-selection-'))
  await mkdir(join(dir, 'lessons'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('takeChangedBase', () => {
  it.each([
    [['verify', '--changed'], ['verify', '--changed'], undefined],
    [['verify', '--changed=origin/main', 'lessons'], ['verify', '--changed', 'lessons'], 'origin/main'],
    [['verify', '--changed', 'origin/main', 'lessons'], ['verify', '--changed', 'lessons'], 'origin/main'],
    // An existing path after --changed is a path to verify, not a base.
    [['verify', '--changed', 'lessons'], ['verify', '--changed', 'lessons'], undefined],
    [['verify', '--changed', '--static'], ['verify', '--changed', '--static'], undefined],
    [['--changed', 'verify'], ['--changed', 'verify'], undefined],
  ])('%j', (argv, rest, base) => {
    expect(takeChangedBase(argv, dir)).toEqual(base === undefined ? { argv: rest } : { argv: rest, base })
  })
})
