/** A shell block of a lesson runs as written: each command ends as the lesson expects (exit 0 unless it says otherwise). */
import { z } from 'zod'
import type { Check, StepFacts } from '../model/index.js'
import { blocked, type CheckContext, defineKind, fail, pass } from './kit/index.js'
import { stepBlocks } from './readings/steps.js'

/** The check name of every judgement a walk makes. */
export const WALKED = 'walked in the workstation'

/** Why a walk's claim is blocked in a run that walks nothing (`verify`): not asked of this run. */
export const NOT_WALKED =
  "needs a walk of the lesson's steps (`lessonproof walk`): this run builds the iterations but runs no step"

/** The walk of the claim's document, or the checks that say why there is none. */
export function walkFacts(ctx: CheckContext): { steps: Record<string, StepFacts> } | Check[] {
  const walk = ctx.facts?.walks?.[ctx.doc.path]
  if (!walk) return [blocked(WALKED, NOT_WALKED)]
  if (walk.blocked !== undefined) return [blocked(WALKED, walk.blocked)]
  return walk
}

/** The quoted first line of a command, shortened for a title. */
export function shortCommand(text: string, max = 60): string {
  const one = text.split('\n')[0] ?? text
  return `\`${one.length > max ? `${one.slice(0, max - 1)}…` : one}\``
}

/** What the walk saw go wrong before a command (a container that never listened on its port), as a hint. */
export function hints(line: number, steps: Record<string, StepFacts>): string {
  const seen = Object.entries(steps)
    .filter(([at]) => Number(at) < line)
    .flatMap(([at, f]) =>
      f.notes.filter((n) => /did not listen|exited \(/.test(n)).map((n) => `line ${at}: ${n}`),
    )
  return seen.length > 0 ? ` (${seen.join('; ')})` : ''
}

/** Why a walked command's result does not count against the lesson: a step before it did not run. */
export function afterNote(facts: StepFacts, steps: Record<string, StepFacts>): string | undefined {
  if (facts.after === undefined) return undefined
  const earlier = steps[String(facts.after)]
  return `line ${facts.after} before it was ${earlier?.status === 'skipped' ? 'skipped' : 'not run'} (${earlier?.reason ?? 'see that line'}), and this may depend on it`
}

export const step = defineKind({
  id: 'step',
  fields: {
    /** Each command of the block by its first line, as shown. */
    commands: z.array(z.object({ line: z.number().int().positive(), command: z.string() })),
    /** The exit status of the block's last command (`expect-exit=N`); the others end with 0. */
    expectExit: z.number().int(),
    /** Why the walk does not run the block, from the document (or the author's `skip`). */
    notRun: z.string().optional(),
    /** Controls the walk did not understand. */
    controlProblems: z.array(z.string()).optional(),
  },

  extract(x, emit) {
    for (const block of x.read(stepBlocks)) {
      const shown = block.commands.map((c) => c.shown)
      const first = shown[0] ?? ''
      const expectExit = block.controls?.expectExit ?? 0
      const verb = expectExit === 0 ? 'runs' : `exits ${expectExit}`
      const more =
        shown.length > 1 ? ` and ${shown.length - 1} more command${shown.length > 2 ? 's' : ''}` : ''
      const notRun =
        block.controls?.skip !== undefined ? `skipped by the author: ${block.controls.skip}` : block.notRun
      emit({
        line: block.commands[0]?.line ?? block.line,
        title: `${shortCommand(first)}${more} ${shown.length > 1 && expectExit === 0 ? 'run' : verb}`,
        quote: shown.join(' ; '),
        subject: 'steps',
        commands: block.commands.map((c) => ({ line: c.line, command: c.shown })),
        expectExit,
        ...(notRun ? { notRun } : {}),
        ...(block.controls?.problems ? { controlProblems: block.controls.problems } : {}),
      })
    }
  },

  check(claim) {
    if (!claim.controlProblems) return []
    return [fail('its lessonproof controls read', claim.controlProblems.join('; '))]
  },

  measured: {
    staticReason: () =>
      "needs a walk of the lesson's steps (`lessonproof walk`); this run is static (--static)",
    judge(claim, ctx) {
      if (claim.notRun !== undefined) return [blocked(WALKED, `not run: ${claim.notRun}`)]
      const walk = walkFacts(ctx)
      if (Array.isArray(walk)) return walk
      const checks: Check[] = []
      claim.commands.forEach(({ line, command }, k) => {
        const facts = walk.steps[String(line)]
        const what = `line ${line} ${shortCommand(command, 40)}`
        const want = k === claim.commands.length - 1 ? claim.expectExit : 0
        if (!facts) {
          checks.push(blocked(WALKED, `${what} was not walked`))
          return
        }
        if (facts.status === 'skipped') checks.push(blocked(WALKED, `${what} skipped: ${facts.reason ?? ''}`))
        else if (facts.status === 'blocked')
          checks.push(blocked(WALKED, `${what} not run: ${facts.reason ?? ''}`))
        else if (facts.status === 'running')
          checks.push(pass(WALKED, `${what} serves in the background (${facts.reason ?? 'still running'})`))
        else if (facts.status === 'timed-out') {
          const why = `${what} ${facts.reason ?? 'did not finish'}`
          const after = afterNote(facts, walk.steps)
          checks.push(after ? blocked(WALKED, `${why}; ${after}`) : fail(WALKED, why))
        } else if (facts.exitCode === want) checks.push(pass(WALKED, `${what} exited ${want}`))
        else {
          const err = (facts.stderr.trim() || facts.stdout.trim()).split('\n').slice(-3).join(' | ')
          const why = `${what} exited ${facts.exitCode}, not ${want}${err ? `: ${err}` : ''}${hints(line, walk.steps)}`
          const after = afterNote(facts, walk.steps)
          checks.push(
            after
              ? blocked(WALKED, `${why}; ${after}`)
              : fail(WALKED, why, { expected: `exit ${want}`, measured: `exit ${facts.exitCode}` }),
          )
        }
      })
      return checks
    },
  },
})
