import { parse as shellParse } from 'shell-quote'
import { memoize } from '../memo.js'
import type { Command } from '../model/index.js'
import type { RawBlock } from './markdown.js'

const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'console', 'zsh', 'shell-session'])

export function isShellBlock(block: RawBlock): boolean {
  return SHELL_LANGS.has(block.lang)
}

/** "**Output:**", "Output:", "Expected output:" before a block mark it as a command's output. */
export function isOutputLead(lead: string): boolean {
  return /^(?:expected\s+)?output\s*:?$/i.test(lead.trim())
}

/**
 * Splits a shell block into commands: `\` continuations joined, comments and prompts dropped,
 * `&&`, `||`, `;` and `|` separating commands on one line.
 */
export function splitCommands(block: RawBlock): Command[] {
  const commands: Command[] = []
  const lines = block.value.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = block.line + 1 + i
    let text = (lines[i] ?? '').replace(/^\s*\$\s+/, '')
    while (text.endsWith('\\') && i + 1 < lines.length) {
      text = `${text.slice(0, -1).trimEnd()} ${(lines[++i] ?? '').trim()}`
    }
    if (text.trim() === '' || text.trim().startsWith('#')) continue
    for (const argv of segments(text)) {
      if (argv.length > 0) commands.push({ line, text: text.trim(), argv })
    }
  }
  return commands
}

/** argv lists of a command line, split at shell operators; `$(…)` and `$VAR` kept literally. */
export const segments: (text: string) => string[][] = memoize(splitUncached)

function splitUncached(text: string): string[][] {
  const substitutions: string[] = []
  const guarded = text.replace(/\$\(([^)]*)\)/g, (m) => {
    substitutions.push(m)
    return `__LESSONPROOF_SUBST_${substitutions.length - 1}__`
  })
  const restore = (s: string) =>
    s.replace(/__LESSONPROOF_SUBST_(\d+)__/g, (_, n: string) => substitutions[Number(n)] ?? '')
  const out: string[][] = [[]]
  for (const token of shellParse(guarded, (key) => `$${key}`)) {
    if (typeof token === 'string') out[out.length - 1]?.push(restore(token))
    else if ('op' in token && token.op !== 'glob') out.push([])
    else if ('op' in token && token.op === 'glob') out[out.length - 1]?.push(token.pattern)
  }
  return out.filter((a) => a.length > 0)
}

/** Options of a `docker build` command, or undefined when the command is not one. */
export function dockerBuild(
  argv: string[],
): { tag?: string; file: string; context: string; target?: string } | undefined {
  const args = argv[0] === 'docker' ? argv.slice(1) : undefined
  if (!args) return undefined
  const rest =
    args[0] === 'build'
      ? args.slice(1)
      : (args[0] === 'buildx' || args[0] === 'image') && args[1] === 'build'
        ? args.slice(2)
        : undefined
  if (!rest) return undefined
  const result: { tag?: string; file: string; context: string; target?: string } = {
    file: 'Dockerfile',
    context: '.',
  }
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? ''
    const [flag, inline] = arg.startsWith('--') ? (arg.split('=', 2) as [string, string?]) : [arg, undefined]
    const value = () => inline ?? rest[++i] ?? ''
    if (flag === '-t' || flag === '--tag') result.tag = value()
    else if (flag === '-f' || flag === '--file') result.file = value()
    else if (flag === '--target') result.target = value()
    else if (/^--?(build-arg|platform|network|progress|cache-from|label|secret|ssh)$/.test(flag)) value()
    else if (!arg.startsWith('-')) result.context = arg
  }
  return result
}
