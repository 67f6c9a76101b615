import { parse as shellParse } from 'shell-quote'
import { memoize } from '../memo.js'
import type { Command, Output } from '../model/index.js'

/** Fence languages whose lines are commands (or a console transcript). */
const SHELL_LANGS = new Set([
  'bash',
  'sh',
  'shell',
  'zsh',
  'fish',
  'ksh',
  'console',
  'shell-session',
  'shellsession',
  'sh-session',
  'terminal',
  // PowerShell and cmd: their `docker …` lines are the same commands; argv is split POSIX-style.
  'powershell',
  'ps1',
  'pwsh',
  'ps',
  'cmd',
  'bat',
  'batch',
])

/** Languages of transcripts: lines without a prompt are output, not commands. */
const TRANSCRIPT_LANGS = new Set(['console', 'shell-session', 'shellsession', 'sh-session', 'terminal'])

/** `.term1`, `term2`: clickable terminals of interactive tutorial sites. */
const TERMINAL = /^term(?:inal)?\d*$/

export function isShellLang(lang: string): boolean {
  return SHELL_LANGS.has(lang) || TERMINAL.test(lang)
}

/**
 * Programs a tutorial tells the reader to run. A line of an unlabelled fence (or an inline code
 * span) that starts with one of them is a command.
 */
const COMMAND_WORDS = new Set(
  (
    'docker docker-compose podman nerdctl buildah kubectl helm minikube kind git cd mkdir ls cat echo printf ' +
    'tee touch rm cp mv chmod chown ln find grep curl wget ssh scp sudo apt apt-get apk yum dnf brew npm npx yarn ' +
    'pnpm node deno bun pip pip3 python python3 uv uvx poetry pipenv conda go cargo rustc rustup mvn ./mvnw gradle ' +
    './gradlew java javac dotnet make cmake gcc export source sh bash zsh nano vim vi code time watch dive trivy ' +
    'grype syft hadolint cosign head tail wc du df tar unzip env which whoami id ps kill systemctl service open ' +
    'start gh az aws gcloud terraform'
  ).split(' '),
)

/** Dockerfile instructions: a line of a shell fence that starts with one is Dockerfile, not a command. */
const INSTRUCTION =
  /^(?:FROM|RUN|COPY|ADD|ENV|ARG|WORKDIR|CMD|ENTRYPOINT|EXPOSE|USER|LABEL|VOLUME|HEALTHCHECK|SHELL|STOPSIGNAL|ONBUILD|MAINTAINER)\s/

/** The program a command line starts with, lower-cased when the shell would not accept its case. */
function firstWord(text: string): string {
  return /^[^\s;|&()<>]+/.exec(text.trim())?.[0] ?? ''
}

/** The word is a program a tutorial runs (or a script path, `./build.sh`). */
export function isCommandWord(word: string): boolean {
  return COMMAND_WORDS.has(word) || COMMAND_WORDS.has(word.toLowerCase()) || /^\.{0,2}\/[\w./-]+$/.test(word)
}

/**
 * Prompts of a console transcript: `$ `, `% `, `➜  dir `, `user@host:~/app$ `, `root@abc:/# `,
 * `PS C:\> `, `C:\> `, with an optional `(venv) ` before. `# ` is a root prompt only when a
 * command follows it (otherwise it is a comment).
 */
const PROMPT =
  /^(\s*(?:\([\w.-]+\)\s+)?(?:\$|%|➜(?:\s+[~\w./-]+)?(?:\s+git:\([^)]*\))?(?:\s+✗)?|[\w.-]+@[\w.-]+(?::[^\s$#]*|\s+[^\s$#]+)?\s?[$#]|PS(?:\s+[A-Za-z]:)?[^>\n]*>|[A-Za-z]:\\[^>\n]*>))\s+(?=\S)/
const ROOT_PROMPT = /^(\s*#)\s+(?=\S)/

/** The prompt a line starts with and the command after it, or undefined when it has none. */
function splitPrompt(line: string): { prompt: string; rest: string } | undefined {
  const m = PROMPT.exec(line)
  if (m) {
    const prompt = m[1]?.trim() ?? ''
    // `➜ docker ps`: the word after ➜ is the command, not the directory zsh shows there.
    const zsh = /^➜\s+(\S+)$/.exec(prompt)
    if (zsh && isCommandWord(zsh[1] ?? '')) return { prompt: '➜', rest: line.replace(/^\s*➜\s+/, '') }
    return { prompt, rest: line.slice(m[0].length) }
  }
  const root = ROOT_PROMPT.exec(line)
  if (root && isCommandWord(firstWord(line.slice(root[0].length))))
    return { prompt: '#', rest: line.slice(root[0].length) }
  return undefined
}

/** The prompt a line starts with, or undefined. */
export function promptOf(line: string): string | undefined {
  return splitPrompt(line)?.prompt
}

/** What an unlabelled fence's content looks like: a transcript (prompts), commands, or neither. */
export function looksLikeCommands(value: string): 'transcript' | 'commands' | undefined {
  const lines = value.split('\n').filter((l) => l.trim() !== '')
  const firstLine = lines[0] ?? ''
  if (PROMPT.test(firstLine)) return 'transcript'
  // A script (`#!/bin/sh`) is a file's content, not commands to run.
  if (firstLine.startsWith('#!')) return undefined
  const significant = lines.filter((l) => !/^\s*#/.test(l))
  const head = significant[0]
  if (!head || INSTRUCTION.test(head.trim())) return undefined
  if (!isCommandWord(firstWord(head))) return undefined
  // Most lines start with a program (continuations and quoted text aside).
  const starts = significant.filter((l) => isCommandWord(firstWord(l))).length
  return starts * 2 >= significant.length || significant.length <= 2 ? 'commands' : undefined
}

/** A command as written, across its continuation lines, with a heredoc body when it has one. */
interface Logical {
  line: number
  lastLine: number
  text: string
  prompt?: string
  heredoc?: { body: string; bodyLine: number }
}

/** The quote a text leaves open at its end (`'`, `"`), ignoring `#` comments; undefined when none is. */
function openQuote(text: string): string | undefined {
  let quote: string | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quote === "'") {
      if (c === "'") quote = undefined
    } else if (quote === '"') {
      if (c === '\\') i++
      else if (c === '"') quote = undefined
    } else if (c === '\\') i++
    else if (c === "'" || c === '"') quote = c
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) break
  }
  return quote
}

/** A quote left open on a line closes on one of the lines after it (else it was an apostrophe). */
function closesLater(text: string, after: string[]): boolean {
  let acc = text
  for (const l of after) {
    acc = `${acc}\n${l}`
    if (openQuote(acc) === undefined) return true
  }
  return false
}

const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][\w-]*)\1/

/**
 * Reads a shell fence's lines into commands: `\` (and PowerShell's backtick) continuations
 * joined, quoted strings that span lines kept whole (`echo '…' | tee Dockerfile`), heredoc
 * bodies taken with their command. In a transcript, prompted lines are commands and the lines
 * after each, up to the next prompt, its output.
 */
export function readShell(
  value: string,
  fenceLine: number,
  lang: string,
): { commands: Logical[]; outputs: { command: Logical; line: number; text: string }[] } {
  const lines = value.split('\n')
  const transcript =
    lines.some((l) => PROMPT.test(l)) || (TRANSCRIPT_LANGS.has(lang) && lines.some((l) => promptOf(l)))
  const powershell = /^(?:powershell|ps1|pwsh|ps)$/.test(lang)
  const commands: Logical[] = []
  const outputs: { command: Logical; line: number; text: string }[] = []
  let current: { command: Logical; out: string[]; line: number } | undefined
  const flush = () => {
    if (!current) return
    while (current.out.length > 0 && (current.out.at(-1) ?? '').trim() === '') current.out.pop()
    if (current.out.length > 0)
      outputs.push({ command: current.command, line: current.line, text: current.out.join('\n') })
    current = undefined
  }
  // A script (`#!/bin/bash`) is a file's content, not commands to run.
  if (/^#!/.test(lines[0] ?? '')) return { commands, outputs }

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? ''
    const prompt = transcript ? promptOf(raw) : undefined
    if (transcript && prompt === undefined) {
      if (current) current.out.push(raw)
      continue
    }
    if (!transcript && (raw.trim() === '' || raw.trim().startsWith('#'))) continue
    const first = i
    let text = prompt === undefined ? raw : (splitPrompt(raw)?.rest ?? raw)
    if (!transcript && INSTRUCTION.test(text.trim())) continue
    // Continuations: a trailing `\` (or PowerShell's backtick), or a quote still open.
    for (;;) {
      const trimmed = text.trimEnd()
      const next = lines[i + 1]
      if (next === undefined) break
      const cont = next.replace(/^\s*>\s?/, transcript ? '' : '$&')
      if (/(^|[^\\])(\\\\)*\\$/.test(trimmed)) text = `${trimmed.slice(0, -1).trimEnd()} ${cont.trim()}`
      else if (powershell && trimmed.endsWith('`')) text = `${trimmed.slice(0, -1).trimEnd()} ${cont.trim()}`
      else if (openQuote(text) !== undefined && closesLater(text, lines.slice(i + 1)))
        text = `${text}\n${next}`
      else break
      i++
    }
    const command: Logical = { line: fenceLine + 1 + first, lastLine: fenceLine + 1 + i, text: text.trim() }
    if (prompt !== undefined) command.prompt = prompt
    const heredoc = HEREDOC.exec(text)
    if (heredoc && openQuote(text.slice(0, heredoc.index)) === undefined) {
      const terminator = heredoc[2] ?? 'EOF'
      const body: string[] = []
      const bodyLine = fenceLine + 2 + i
      while (i + 1 < lines.length && (lines[i + 1] ?? '').trim() !== terminator) body.push(lines[++i] ?? '')
      if (i + 1 < lines.length) i++
      command.heredoc = { body: body.join('\n'), bodyLine }
      command.lastLine = fenceLine + 1 + i
    }
    if (command.text === '') continue
    commands.push(command)
    if (transcript) {
      flush()
      current = { command, out: [], line: command.lastLine }
    }
  }
  flush()
  return { commands, outputs }
}

/** Commands of one logical line, one per pipeline or list element, as the model holds them. */
export function toCommands(logical: Logical, extra: Partial<Command> = {}): Command[] {
  const out: Command[] = []
  for (const argv of segments(logical.text)) {
    if (argv.length === 0) continue
    const command: Command = { line: logical.line, text: logical.text, argv, ...extra }
    if (logical.prompt !== undefined) command.prompt = logical.prompt
    const rejects = shellRejects(argv)
    if (rejects) command.shellRejects = rejects
    out.push(command)
  }
  return out
}

/** Why a shell would reject the command as written: a program name in the wrong case (`Docker build`). */
function shellRejects(argv: string[]): string | undefined {
  const word = argv[0] ?? ''
  if (word !== word.toLowerCase() && COMMAND_WORDS.has(word.toLowerCase()) && !COMMAND_WORDS.has(word))
    return `'${word}' is not a command: command names are case-sensitive (\`${word.toLowerCase()}\`)`
  return undefined
}

/**
 * Splits a shell block into commands: `\` continuations joined, comments and prompts dropped,
 * `&&`, `||`, `;` and `|` separating commands on one line.
 */
export function splitCommands(block: { line: number; value: string; lang?: string }): Command[] {
  return readShell(block.value, block.line, block.lang ?? 'bash').commands.flatMap((c) => toCommands(c))
}

/** Outputs a transcript shows after its commands, in the model's shape. */
export function transcriptOutputs(outputs: ReturnType<typeof readShell>['outputs']): Output[] {
  return outputs.map((o) => ({
    line: o.line,
    text: o.text,
    commandLine: o.command.line,
    command: o.command.text,
    inline: true,
  }))
}

const REDIRECT = new Set(['>', '>>', '<', '<<', '<<<', '>&', '<&', '&>', '>|', '<>'])

/** argv lists of a command line, split at shell operators; `$(…)` and `$VAR` kept literally. */
export const segments: (text: string) => string[][] = memoize(splitUncached)

/**
 * `$(…)` and a reader's placeholder (`<your-username>/app:1.0`) kept whole: tutorials use `<name>`
 * for a value to fill in, which a shell would take for redirections.
 */
export function guard(text: string): { guarded: string; restore: (s: string) => string } {
  const substitutions: string[] = []
  const keep = (m: string) => {
    substitutions.push(m)
    return `__LESSONPROOF_SUBST_${substitutions.length - 1}__`
  }
  const guarded = text.replace(/\$\(([^)]*)\)/g, keep).replace(/(?<![<\w])<[A-Za-z][\w.:/-]*>(?!>)/g, keep)
  const restore = (s: string) =>
    s.replace(/__LESSONPROOF_SUBST_(\d+)__/g, (_, n: string) => substitutions[Number(n)] ?? '')
  return { guarded, restore }
}

function splitUncached(text: string): string[][] {
  const { guarded, restore } = guard(text)
  const out: string[][] = [[]]
  const tokens = shellParse(guarded, (key) => `$${key}`)
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]
    const argv = out[out.length - 1]
    if (token === undefined || argv === undefined) continue
    if (typeof token === 'string') argv.push(restore(token))
    else if ('op' in token && REDIRECT.has(token.op)) {
      // `> file`, `2>&1`, `<<EOF`: the target is where output goes, not a command or an argument.
      if (/^\d$/.test(argv.at(-1) ?? '') && /^[<>]/.test(token.op)) argv.pop()
      if (typeof tokens[i + 1] === 'string') i++
    } else if ('op' in token && token.op !== 'glob') out.push([])
    else if ('op' in token && token.op === 'glob') argv.push(token.pattern)
  }
  return out.filter((a) => a.length > 0)
}

/** Options of a `docker build` command, or undefined when the command is not one. */
export function dockerBuild(
  argv: string[],
): { tag?: string; file: string; context: string; target?: string } | undefined {
  // `DOCKER_BUILDKIT=0 docker build …`: variables set for the command only.
  let at = 0
  while (/^[A-Za-z_]\w*=/.test(argv[at] ?? '')) at++
  const args = argv[at] === 'docker' ? argv.slice(at + 1) : undefined
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
