import { describe, expect, it } from 'vitest'
import { extractClaims } from '../claims/index.js'
import type { StepFacts, WalkFacts } from '../model/index.js'
import { parseDocument } from '../parse/index.js'
import { applyEdits } from '../patch/index.js'
import { outputEdits } from './update.js'

const F = '```'
const PATH = 'lessons/x.md'

/** 1-based line of the first line that is exactly `text`. */
const lineOf = (text: string, line: string) => text.split('\n').indexOf(line) + 1

const LESSON = [
  '# Run the service',
  '',
  `${F}bash`,
  'curl -s http://localhost:8080/health',
  F,
  '',
  '**Output:**',
  F,
  '{"status":"healthy","version":"1.0.0"}',
  F,
  '',
  `${F}bash`,
  'docker ps --format "table {{.ID}}\\t{{.Names}}"',
  F,
  '',
  '**Output:**',
  F,
  'CONTAINER ID   NAMES',
  '6b67ec0d499a   health-app',
  F,
  '',
  `${F}bash`,
  'seq 1 5',
  F,
  '',
  '**Output:**',
  F,
  '1',
  '...',
  '9',
  F,
  '',
  `${F}bash`,
  'docker stop health-app',
  'docker rm health-app',
  F,
  '',
  '**Output:**',
  F,
  'web',
  'web',
  F,
  '',
  '<!-- lessonproof: skip reason="opens a browser" -->',
  `${F}bash`,
  'xdg-open http://localhost:8080/health',
  F,
  '',
  '**Output:**',
  F,
  'Opening in existing browser session.',
  F,
  '',
].join('\n')

const CURL = lineOf(LESSON, 'curl -s http://localhost:8080/health')
const PS = lineOf(LESSON, 'docker ps --format "table {{.ID}}\\t{{.Names}}"')
const SEQ = lineOf(LESSON, 'seq 1 5')
const STOP = lineOf(LESSON, 'docker stop health-app')
const RM = lineOf(LESSON, 'docker rm health-app')

const exited = (stdout: string, stderr = ''): StepFacts => ({
  status: 'exited',
  exitCode: 0,
  stdout,
  stderr,
  durationMs: 10,
  notes: [],
})

/** What a walk of LESSON printed, with `change` applied per line. */
function walked(change: Record<number, StepFacts> = {}): WalkFacts {
  return {
    workstation: 'lessonproof-workstation:test',
    steps: {
      [CURL]: exited('{"status":"ok","version":"1.0.0"}'),
      // Another container ID than the lesson's: IDs change with every run.
      [PS]: exited('CONTAINER ID   NAMES\n57af1b6543d8   health-app\n'),
      [SEQ]: exited('1\n2\n3\n4\n5\n'),
      [STOP]: exited('health-app\n'),
      [RM]: exited('health-app\n'),
      ...Object.fromEntries(Object.entries(change).map(([k, v]) => [String(k), v])),
    },
  }
}

function update(walk: WalkFacts | undefined) {
  const claims = extractClaims(parseDocument(PATH, LESSON))
  const result = outputEdits(PATH, claims, walk, { sizeTolerancePct: 15 })
  return { ...result, text: applyEdits(LESSON, result.edits, PATH) }
}

describe('outputEdits', () => {
  it('rewrites the outputs the walk saw otherwise, in the lesson’s form, and leaves the ones that hold', () => {
    const { text, kept } = update(walked())
    expect(kept).toEqual([])
    expect(text).toBe(
      LESSON.replace('{"status":"healthy","version":"1.0.0"}', '{"status":"ok","version":"1.0.0"}')
        // The elision stays: the line before it still holds.
        .replace('1\n...\n9\n', '1\n...\n5\n')
        // An output after a block is what the whole block printed.
        .replace('web\nweb\n', 'health-app\nhealth-app\n'),
    )
    // The docker ps table holds (its ID is one that changes with every run): left as written.
    expect(text).toContain('6b67ec0d499a   health-app')
  })

  it('makes no edit when every output holds', () => {
    const holding = LESSON.replace('"healthy"', '"ok"')
      .replace('...\n9', '...\n5')
      .replace('web\nweb', 'health-app\nhealth-app')
    const claims = extractClaims(parseDocument(PATH, holding))
    expect(outputEdits(PATH, claims, walked(), { sizeTolerancePct: 15 })).toEqual({ edits: [], kept: [] })
  })

  it('leaves an output whose command did not run as it is, and says why', () => {
    const blocked: StepFacts = {
      ...exited(''),
      status: 'blocked',
      exitCode: null,
      reason: 'curl is not installed in the workstation',
    }
    const { text, kept } = update(walked({ [CURL]: blocked, [PS]: { ...exited('x\n'), after: CURL } }))
    expect(text).toContain('{"status":"healthy","version":"1.0.0"}')
    expect(text).toContain('6b67ec0d499a   health-app')
    expect(kept).toEqual([
      { line: CURL + 5, why: 'blocked: curl is not installed in the workstation' },
      { line: PS + 5, why: `line ${CURL} before it did not run` },
    ])
  })

  it('leaves the output of a command that failed or timed out: the step is what to fix', () => {
    const failed: StepFacts = { ...exited(''), exitCode: 52, stderr: 'curl: (52) Empty reply from server\n' }
    const hung: StepFacts = {
      ...exited('1\n2\n'),
      status: 'timed-out',
      exitCode: null,
      reason: 'did not finish in 5 s',
    }
    const { text, kept } = update(walked({ [CURL]: failed, [SEQ]: hung }))
    expect(text).toContain('{"status":"healthy","version":"1.0.0"}')
    expect(text).toContain('1\n...\n9\n')
    expect(kept).toEqual([
      { line: CURL + 5, why: `line ${CURL} exited 52, not 0; fix the step, not its output` },
      { line: SEQ + 5, why: `line ${SEQ} did not finish in 5 s; fix the step, not its output` },
    ])
  })

  it('leaves an output of a command the walk has no facts of, and one the author skips', () => {
    const walk = walked()
    delete walk.steps[String(SEQ)]
    const { text, kept } = update(walk)
    expect(kept).toEqual([{ line: SEQ + 5, why: 'not walked' }])
    expect(text).toContain('1\n...\n9\n')
    // The skipped block's output is never a candidate: nothing is kept or edited for it.
    expect(text).toContain('Opening in existing browser session.')
  })

  it('does nothing without a walk', () => {
    expect(update(undefined)).toMatchObject({ edits: [], kept: [], text: LESSON })
  })
})
