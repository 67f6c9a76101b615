import { diffArrays } from 'diff'

export interface DiffLabels {
  /** @default "Expected" */
  a?: string
  /** @default "Received" */
  b?: string
}

/**
 * Two texts' lines as vitest shows a difference: `- Expected` / `+ Received`, a blank line, then
 * every line, common ones indented by two spaces, removed ones `- `, added ones `+ `. The lines are
 * matched by jsdiff (`diff`); vitest's own diff (`@vitest/utils/diff`) belongs to the test runner, a
 * development dependency, so the runtime does not load it (its test checks the two agree).
 */
export function unifiedDiff(a: string[], b: string[], labels: DiffLabels = {}): string {
  const out = [`- ${labels.a ?? 'Expected'}`, `+ ${labels.b ?? 'Received'}`, '']
  for (const change of diffArrays(a, b)) {
    const mark = change.removed ? '-' : change.added ? '+' : ' '
    for (const line of change.value) out.push(line === '' ? mark.trimEnd() : `${mark} ${line}`)
  }
  return out.join('\n')
}
