/**
 * What a lesson shows a command printing, held against what the walk saw it print: exact after
 * normalising what changes between runs, `...` lines matching any lines, sizes within tolerance,
 * JSON by value, tables by column; a build log step by step. A difference is a diff at the lesson line.
 */
import { z } from 'zod'
import { compareBuildLogs, detectShape, parseBuildLog } from '../buildlog/index.js'
import { compareOutput, type OutputComparison, PULL_PROGRESS } from '../compare/index.js'
import type { Check, StepFacts } from '../model/index.js'
import { blocked, defineKind, fail, pass } from './kit/index.js'
import { stepBlocks } from './readings/steps.js'
import { afterNote, hints, shortCommand, WALKED, walkFacts } from './step.js'

/** The quote of an output: its first lines, folded, at most this long. */
const QUOTE = 60

/** What the walk saw, read the way the lesson shows it: stdout, stderr, or both (a terminal shows both). */
export function candidates(facts: Pick<StepFacts, 'stdout' | 'stderr'>): string[] {
  const { stdout, stderr } = facts
  if (stderr === '') return [stdout]
  if (stdout === '') return [stderr]
  return [stdout, stderr, `${stdout}${stdout.endsWith('\n') ? '' : '\n'}${stderr}`]
}

/**
 * The text's whitespace folded, as far as a quote needs (a build log shown in full can run to
 * hundreds of lines): the whole text when it folds to at most QUOTE characters.
 */
export function foldedStart(text: string): string {
  for (let end = QUOTE * 4; ; end *= 4) {
    const folded = text.slice(0, end).replace(/\s+/g, ' ').trim()
    if (end >= text.length || folded.length > QUOTE) return folded
  }
}

function isBuildLog(text: string): boolean {
  const shape = detectShape(text)
  if (!shape) return false
  try {
    return parseBuildLog(text, shape).steps.length > 0
  } catch {
    return false
  }
}

export const output = defineKind({
  id: 'output',
  fields: {
    commandLine: z.number().int().positive(),
    command: z.string(),
    /** The output as the lesson shows it. */
    claimed: z.string(),
    /** Document line of the output's first line. */
    from: z.number().int().positive(),
    /** Why the walk does not run its command, from the document. */
    notRun: z.string().optional(),
    /** For an output shown after a whole block: the lines of the block's commands (a terminal shows them all). */
    block: z.array(z.number().int().positive()).optional(),
  },

  extract(x, emit) {
    for (const block of x.read(stepBlocks)) {
      for (const command of block.commands) {
        for (const shown of command.outputs) {
          if (shown.text.trim() === '') continue
          const folded = foldedStart(shown.text)
          const notRun =
            block.controls?.skip !== undefined
              ? `skipped by the author: ${block.controls.skip}`
              : block.notRun
          emit({
            line: shown.line + 1,
            title: `${shortCommand(command.shown)} prints what the lesson shows`,
            quote: `${command.shown} → ${folded.length > QUOTE ? `${folded.slice(0, QUOTE - 1)}…` : folded}`,
            subject: 'output',
            commandLine: command.line,
            command: command.shown,
            claimed: shown.text,
            from: shown.line + 1,
            ...(notRun ? { notRun } : {}),
            ...(!shown.inline && block.commands.length > 1
              ? { block: block.commands.map((c) => c.line) }
              : {}),
          })
        }
      }
    }
  },

  check: () => [],

  measured: {
    staticReason: () =>
      "needs a walk of the lesson's steps (`lessonproof walk`); this run is static (--static)",
    judge(claim, ctx) {
      if (claim.notRun !== undefined) return [blocked(WALKED, `not run: ${claim.notRun}`)]
      const walk = walkFacts(ctx)
      if (Array.isArray(walk)) return walk
      const facts = walk.steps[String(claim.commandLine)]
      const what = `line ${claim.commandLine} ${shortCommand(claim.command, 40)}`
      if (!facts) return [blocked(WALKED, `${what} was not walked`)]
      if (facts.status === 'skipped') return [blocked(WALKED, `${what} skipped: ${facts.reason ?? ''}`)]
      if (facts.status === 'blocked') return [blocked(WALKED, `${what} not run: ${facts.reason ?? ''}`)]
      const timedOut = facts.status === 'timed-out' ? ` (${facts.reason ?? 'it timed out'})` : ''
      const checks: Check[] = isBuildLog(claim.claimed)
        ? buildLogChecks(claim.claimed, facts, what)
        : outputChecks(
            claim,
            blockOutput(claim.block, walk.steps) ?? facts,
            what,
            ctx.doc.path,
            ctx.settings.size_tolerance_pct,
            facts,
          )
      if (checks.every((c) => c.status !== 'fail')) return checks
      const after = afterNote(facts, walk.steps)
      return checks.map((c) =>
        c.status !== 'fail'
          ? c
          : after
            ? blocked(WALKED, `${c.reason.split('\n')[0]}; ${after}`)
            : {
                ...c,
                reason: c.reason.replace('\n', `${timedOut}${hints(claim.commandLine, walk.steps)}\n`),
              },
      )
    },
  },
})

/** What a whole block printed, its commands one after another, as a terminal shows it. */
function blockOutput(lines: number[] | undefined, steps: Record<string, StepFacts>): StepFacts | undefined {
  if (!lines) return undefined
  const all = lines.map((l) => steps[String(l)])
  if (all.some((f) => !f)) return undefined
  const join = (part: 'stdout' | 'stderr') =>
    all
      .map((f) => f?.[part] ?? '')
      .reduce((acc, t) => (acc === '' || acc.endsWith('\n') ? acc + t : `${acc}\n${t}`), '')
  const last = all.at(-1) as StepFacts
  return { ...last, stdout: join('stdout'), stderr: join('stderr') }
}

function outputChecks(
  claim: { claimed: string; from: number },
  whole: StepFacts,
  what: string,
  file: string,
  sizeTolerancePct: number,
  last: StepFacts = whole,
): Check[] {
  let best: { text: string; result: OutputComparison } | undefined
  // The last command's output alone (lessons often show only that), or the whole block's.
  const texts = [...new Set([...candidates(last), ...candidates(whole)])]
  for (const text of texts) {
    const result = compareOutput(claim.claimed, text, {
      file,
      line: claim.from,
      sizeTolerancePct,
      ignoreLines: [...PULL_PROGRESS],
    })
    if (result.pass) return [pass(WALKED, `${what} printed what the lesson shows (${result.mode})`)]
    if (!best || result.differences.length < best.result.differences.length) best = { text, result }
  }
  const result = best?.result
  const first = result?.differences[0]
  // "differs" says nothing the diff below does not show better.
  const detail = first?.detail && first.detail !== 'differs' ? `: ${first.detail}` : ''
  const more =
    (result?.differences.length ?? 0) > 1 ? ` (and ${(result?.differences.length ?? 1) - 1} more)` : ''
  return [
    fail(
      WALKED,
      `${what} printed something else: line ${first?.line ?? claim.from} ${first?.kind ?? 'differs'}${detail}${more}\n${result?.diff ?? ''}`,
      { expected: claim.claimed, measured: best?.text ?? '' },
    ),
  ]
}

function buildLogChecks(claimed: string, facts: StepFacts, what: string): Check[] {
  const real = candidates(facts).find((t) => isBuildLog(t))
  if (!real)
    return [fail(WALKED, `${what} printed no build log`, { expected: claimed, measured: facts.stdout })]
  const result = compareBuildLogs(parseBuildLog(claimed), parseBuildLog(real), {
    allowOmissions: true,
    labels: { a: 'claimed', b: 'this run' },
  })
  if (result.ok) return [pass(WALKED, `${what} printed a build log with the steps the lesson shows`)]
  if (result.differences.some((d) => d.kind === 'builder'))
    return [blocked(WALKED, `${what}: ${result.differences[0]?.message ?? 'another builder'}`)]
  return [
    fail(
      WALKED,
      `${what} printed another build: ${result.differences
        .map((d) => d.message)
        .slice(0, 3)
        .join('; ')}\n${result.diff}`,
    ),
  ]
}
