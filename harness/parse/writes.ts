import { parse as shellParse } from 'shell-quote'

/** A file a shell command writes: `cat > X <<EOF`, `echo '…' | tee X`, `printf '…' > X`. */
export interface ShellWrite {
  name: string
  /** Line of the command. */
  line: number
  content: string
  /** Line of the content's first line in the document. */
  contentLine: number
  /** `>>` or `tee -a`: the content is added to the end of the file. */
  append: boolean
}

type Token = string | { op: string; pattern?: string } | { comment: string }

/** The words of a stage, and what it redirects into. */
interface Stage {
  argv: string[]
  targets: { name: string; append: boolean }[]
  heredoc: boolean
}

/** Pipelines of a command line (`a | b` is one, `a && b` two), each as its stages. */
function pipelines(text: string): Stage[][] {
  const out: Stage[][] = []
  let pipeline: Stage[] = []
  let stage: Stage = { argv: [], targets: [], heredoc: false }
  let tokens: Token[]
  try {
    // Variables stay as written: `${APP}` in a file's content is the file's, not the shell's.
    tokens = shellParse(text, (key) => `\${${key}}`) as Token[]
  } catch {
    return []
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    if (t === undefined) continue
    if (typeof t === 'string') stage.argv.push(t)
    else if ('op' in t && (t.op === '>' || t.op === '>>')) {
      const target = tokens[i + 1]
      if (typeof target === 'string') {
        stage.targets.push({ name: target, append: t.op === '>>' })
        i++
      }
    } else if ('op' in t && t.op === '<<') {
      stage.heredoc = true
      i++
    } else if ('op' in t && t.op === '|') {
      pipeline.push(stage)
      stage = { argv: [], targets: [], heredoc: false }
    } else if ('op' in t && t.op !== 'glob') {
      pipeline.push(stage)
      out.push(pipeline)
      pipeline = []
      stage = { argv: [], targets: [], heredoc: false }
    } else if ('op' in t && t.pattern !== undefined) stage.argv.push(t.pattern)
  }
  pipeline.push(stage)
  out.push(pipeline)
  return out
}

/** What `echo` prints: its words joined by spaces, a newline unless `-n`; `-e` turns escapes into characters. */
function echoed(args: string[]): string {
  let newline = true
  let escapes = false
  let i = 0
  for (; i < args.length && /^-[neE]+$/.test(args[i] ?? ''); i++) {
    if (args[i]?.includes('n')) newline = false
    if (args[i]?.includes('e')) escapes = true
  }
  const text = args.slice(i).join(' ')
  return (escapes ? escapesOf(text) : text) + (newline ? '\n' : '')
}

/** What `printf FORMAT ARGS` prints, for the `%s` and escape forms tutorials use. */
function printed(args: string[]): string {
  const [format = '', ...rest] = args
  let n = 0
  return escapesOf(format).replace(/%[sd%]/g, (m) => (m === '%%' ? '%' : (rest[n++] ?? '')))
}

function escapesOf(text: string): string {
  return text.replace(/\\([ntr\\])/g, (_, c: string) =>
    c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '' : '\\',
  )
}

/**
 * The files a command writes and what it writes into them. `heredoc` is the body that follows
 * the command, when it has one; `line` its own line, `bodyLine` the line the body starts on.
 */
export function shellWrites(
  text: string,
  line: number,
  heredoc?: { body: string; bodyLine: number },
): ShellWrite[] {
  const writes: ShellWrite[] = []
  // Only a redirection or `tee` writes a file: most commands are not parsed again here.
  if (!text.includes('>') && !/\btee\b/.test(text)) return writes
  for (const pipeline of pipelines(text)) {
    let content: string | undefined
    let contentLine = line
    const [head] = pipeline
    const program = head?.argv[0]
    if (pipeline.some((s) => s.heredoc) && heredoc) {
      content = `${heredoc.body}\n`
      contentLine = heredoc.bodyLine
    } else if (program === 'echo') content = echoed(head?.argv.slice(1) ?? [])
    else if (program === 'printf') content = printed(head?.argv.slice(1) ?? [])
    if (content === undefined) continue
    for (const stage of pipeline) {
      const targets = [...stage.targets]
      if (stage.argv[0] === 'tee') {
        const append = stage.argv.some((a) => /^-\w*a/.test(a) || a === '--append')
        for (const name of stage.argv.slice(1).filter((a) => !a.startsWith('-')))
          targets.push({ name, append })
      }
      for (const target of targets) {
        if (target.name === '/dev/null' || /^&?\d$/.test(target.name)) continue
        writes.push({
          name: target.name.replace(/^\.\//, ''),
          line,
          content: content.replace(/\n$/, ''),
          contentLine,
          append: target.append,
        })
      }
    }
  }
  return writes
}

/**
 * A body that stands in for content the reader supplies: one line in brackets
 * (`[Gordon's optimized Dockerfile here]`, `<your Dockerfile>`), "paste … here", or only `...`.
 */
export function isPlaceholder(content: string): boolean {
  // A placeholder is a line or two; a file's content is not worth splitting to find out.
  if (content.length > 200) return false
  const lines = content
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  if (lines.length === 0) return true
  if (lines.length > 2) return false
  const line = lines.join(' ')
  return (
    /^(?:\[[^\]]*\]|<[^<>]*>|\{\{[^}]*\}\}|\.\.\.|…)$/.test(line) ||
    /^(?:#|\/\/)?\s*(?:paste|insert|put|add)\b.*\bhere\b/i.test(line) ||
    /^(?:#|\/\/)?\s*your\b.*\bhere\b/i.test(line)
  )
}
