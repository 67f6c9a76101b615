/**
 * `lessonproof update`: a lesson's claimed outputs rewritten to what its walk saw, in the
 * author's form (the one patcher: elisions, held lines and formats kept). Pure: it makes edits;
 * the command line writes them as a patch, or into the lesson with `--write`.
 */
import { compareOutput, PULL_PROGRESS } from '../compare/index.js'
import { candidates } from '../kinds/output.js'
import type { AnyClaim, StepFacts, WalkFacts } from '../model/index.js'
import { type BlockEdit, outputEdit } from '../patch/index.js'

interface OutputClaim {
  kind: 'output'
  commandLine: number
  claimed: string
  from: number
  notRun?: string
  block?: number[]
}

function isOutput(claim: AnyClaim): claim is AnyClaim & OutputClaim {
  return claim.kind === 'output'
}

/** The exit status each walked command should end with, by its line: 0, or its block's `expect-exit` for the last. */
function expectedExits(claims: readonly AnyClaim[]): Map<number, number> {
  const exits = new Map<number, number>()
  for (const claim of claims) {
    if (claim.kind !== 'step') continue
    const { commands, expectExit } = claim as AnyClaim & {
      commands: { line: number }[]
      expectExit: number
    }
    commands.forEach(({ line }, k) => {
      exits.set(line, k === commands.length - 1 ? expectExit : 0)
    })
  }
  return exits
}

/** The text the walk printed that the claimed output stands for: the last command's, or the block's. */
function printed(
  claim: OutputClaim,
  walk: WalkFacts,
  expectExit: number,
): { text: string; why?: undefined } | { why: string } {
  const facts = walk.steps[String(claim.commandLine)]
  if (!facts) return { why: 'not walked' }
  if (facts.status === 'skipped' || facts.status === 'blocked')
    return { why: `${facts.status}: ${facts.reason ?? ''}` }
  if (facts.after !== undefined) return { why: `line ${facts.after} before it did not run` }
  // What a failing command printed is not what the lesson should show: the step is what to fix.
  if (facts.status === 'timed-out')
    return { why: `line ${claim.commandLine} ${facts.reason ?? 'timed out'}; fix the step, not its output` }
  if (facts.status === 'exited' && facts.exitCode !== expectExit)
    return {
      why: `line ${claim.commandLine} exited ${facts.exitCode}, not ${expectExit}; fix the step, not its output`,
    }
  const all: StepFacts[] = (claim.block ?? [])
    .map((l) => walk.steps[String(l)])
    .filter((f): f is StepFacts => !!f)
  // A block's output when the lesson shows what every command printed; else the last command's.
  const whole =
    all.length > 1
      ? { stdout: all.map((f) => f.stdout).join(''), stderr: all.map((f) => f.stderr).join('') }
      : undefined
  // The one the claimed output is closest to, as the comparison counts differences; on a tie,
  // the whole block's, which is what the reader's terminal shows.
  const options = [...(whole ? candidates(whole) : []), ...candidates(facts)]
  let best = options[0] ?? ''
  let fewest = Number.POSITIVE_INFINITY
  for (const text of options) {
    const n = compareOutput(claim.claimed, text, { ignoreLines: [...PULL_PROGRESS] }).differences.length
    if (n < fewest) {
      best = text
      fewest = n
    }
  }
  return { text: best }
}

/** The edits that make a document's claimed outputs what the walk printed; with what was left as it is, and why. */
export function outputEdits(
  path: string,
  claims: readonly AnyClaim[],
  walk: WalkFacts | undefined,
  options: { sizeTolerancePct: number },
): { edits: BlockEdit[]; kept: { line: number; why: string }[] } {
  const edits: BlockEdit[] = []
  const kept: { line: number; why: string }[] = []
  if (!walk) return { edits, kept }
  const exits = expectedExits(claims)
  for (const claim of claims.filter(isOutput)) {
    if (claim.notRun !== undefined) continue
    const seen = printed(claim, walk, exits.get(claim.commandLine) ?? 0)
    if (seen.why !== undefined) {
      kept.push({ line: claim.from, why: seen.why })
      continue
    }
    const edit = outputEdit({ from: claim.from, lines: claim.claimed.split('\n') }, seen.text, {
      file: path,
      line: claim.from,
      sizeTolerancePct: options.sizeTolerancePct,
      ignoreLines: [...PULL_PROGRESS],
    })
    if (edit) edits.push(edit)
  }
  return { edits, kept }
}
