import { describe, expect, it } from 'vitest'
import type { StepFacts } from '../model/index.js'
import { outcomeOf } from './walker.js'

const facts = (change: Partial<StepFacts>): StepFacts => ({
  status: 'exited',
  exitCode: 0,
  stdout: '',
  stderr: '',
  durationMs: 5,
  notes: [],
  ...change,
})

describe('outcomeOf', () => {
  it('says nothing of a command that exited 0', () => {
    expect(outcomeOf(facts({}))).toBeUndefined()
  })

  it('says how any other step ended, with the first line of its reason', () => {
    expect(outcomeOf(facts({ exitCode: 22 }))).toBe('exited 22')
    expect(
      outcomeOf(
        facts({
          status: 'blocked',
          exitCode: null,
          reason: 'uv is not installed in the workstation: it comes from PyPI\nsecond line',
        }),
      ),
    ).toBe('blocked: uv is not installed in the workstation: it comes from PyPI')
    expect(outcomeOf(facts({ status: 'skipped', exitCode: null, reason: 'opens an editor' }))).toBe(
      'skipped: opens an editor',
    )
    expect(
      outcomeOf(
        facts({ status: 'skipped', exitCode: null, reason: 'skipped by the author: opens a browser' }),
      ),
    ).toBe('skipped by the author: opens a browser')
    expect(
      outcomeOf(facts({ status: 'timed-out', exitCode: null, reason: 'did not finish within 5 s' })),
    ).toBe('did not finish within 5 s')
    expect(outcomeOf(facts({ status: 'running', exitCode: null }))).toBe('serving in the background')
  })

  it('keeps a long reason to one short line', () => {
    const reason = 'task-api:naive was not built here; '.repeat(20)
    const line = outcomeOf(facts({ status: 'blocked', exitCode: null, reason })) ?? ''
    expect(line).toHaveLength(240)
    expect(line.endsWith('…')).toBe(true)
  })
})
