/**
 * The author's controls of the walk, which do not show when a lesson is rendered: an HTML comment
 * right before a block (`<!-- lessonproof: skip reason="needs a GPU" -->`, `expect-exit=1`,
 * `timeout=120`, `background`, `probe=URL`) or the same words as the info string's `lessonproof`
 * attribute (```` ```bash {lessonproof=skip} ````, `{lessonproof="timeout=120 background"}`).
 */
import type { StepControls } from '../model/index.js'

/** `<!-- lessonproof: … -->`, alone in its HTML block. */
const COMMENT = /^\s*<!--\s*lessonproof(?![\w-])\s*:?\s*([\s\S]*?)\s*-->\s*$/i

/** The words of a lessonproof comment, or undefined when the HTML is something else. */
export function controlComment(html: string): string | undefined {
  return COMMENT.exec(html)?.[1]
}

const WORD = /([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+)))?/g

/** Reads the words of a control into its fields; words it does not know are kept as problems. */
export function readControls(words: string, line: number): StepControls {
  const controls: StepControls = { line }
  const problems: string[] = []
  for (const m of words.matchAll(WORD)) {
    const key = (m[1] ?? '').toLowerCase()
    const value = m[2] ?? m[3] ?? m[4]
    const number = (what: string, min: number, max: number) => {
      const n = Number(value)
      if (value === undefined || !Number.isFinite(n) || n < min || n > max) {
        problems.push(`${key} takes ${what}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`)
        return undefined
      }
      return n
    }
    if (key === 'skip') controls.skip = value ?? controls.skip ?? 'the author skips it'
    else if (key === 'reason') controls.skip = value ?? controls.skip ?? 'the author skips it'
    else if (key === 'background') controls.background = true
    else if (key === 'expect-exit' || key === 'exit') {
      const n = number('an exit status (0-255)', 0, 255)
      if (n !== undefined && Number.isInteger(n)) controls.expectExit = n
      else if (n !== undefined) problems.push(`${key} takes a whole number, got ${value}`)
    } else if (key === 'timeout') {
      const n = number('seconds (more than 0, at most 3600)', Number.MIN_VALUE, 3600)
      if (n !== undefined) controls.timeoutS = n
    } else if (key === 'probe') {
      if (value && /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(value))
        controls.probe = value
      else
        problems.push(
          `probe takes a loopback URL (http://localhost:PORT/…), got ${JSON.stringify(value ?? '')}`,
        )
    } else
      problems.push(
        `unknown control '${m[0]}' (known: skip reason="…", expect-exit=N, timeout=S, background, probe=URL)`,
      )
  }
  if (problems.length > 0) controls.problems = problems
  return controls
}
