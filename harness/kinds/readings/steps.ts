/**
 * A lesson as a sequence a reader follows: its shell blocks (and the commands prose tells the
 * reader to run), each command as it would be typed, with the author's controls and the outputs
 * the lesson shows for it. The walk runs these; the `step` and `output` kinds judge them.
 */
import type { Document, Output, StepControls } from '../../model/index.js'
import { headingPathAt, inReaderSection, readShell } from '../../parse/index.js'
import type { Reading } from '../kit/index.js'

/** One command of a block, as the reader types it. */
export interface WalkCommand {
  /** Its first line in the document: the key of its facts. */
  line: number
  lastLine: number
  /** What runs: continuations joined, a heredoc's body and terminator kept. */
  run: string
  /** Its first line as the lesson shows it (for titles and quotes). */
  shown: string
  /** What the lesson shows it printing. */
  outputs: Output[]
}

/** A shell block of a lesson (or one inline command), in document order. */
export interface StepBlock {
  /** The block's opening fence, or the inline command's line. */
  line: number
  origin: 'block' | 'inline' | 'output-block'
  commands: WalkCommand[]
  controls?: StepControls
  /** The heading path it stands under, joined: a server a block starts is stopped when it changes. */
  section: string
  /** Why the walk does not run it, decided by the document alone (the reader's own project, another tab, PowerShell). */
  notRun?: string
}

const POWERSHELL = /^(?:powershell|ps1|pwsh|ps|cmd|bat|batch)$/

/** What runs for a logical command: its text, and its heredoc's body and terminator. */
function runText(text: string, heredoc: { body: string } | undefined): string {
  if (!heredoc) return text
  const terminator = /<<-?\s*(['"]?)([A-Za-z_][\w-]*)\1/.exec(text)?.[2] ?? 'EOF'
  return `${text}\n${heredoc.body}${heredoc.body === '' ? '' : '\n'}${terminator}`
}

export const stepBlocks: Reading<StepBlock[]> = (x) => lessonSteps(x.doc)

/** Every step block of a document, in order. */
export function lessonSteps(doc: Document): StepBlock[] {
  // Grouped once: a lesson of many commands and outputs would otherwise scan them all per command.
  const byLine = new Map<number, Output[]>()
  for (const o of doc.outputs) {
    if (o.commandLine === undefined) continue
    const group = byLine.get(o.commandLine)
    if (group) group.push(o)
    else byLine.set(o.commandLine, [o])
  }
  const outputsOf = (line: number) => byLine.get(line) ?? []
  const blocks: StepBlock[] = []
  const covered = new Set<number>()
  const firstTab = new Map<number, string>()
  for (const block of doc.blocks) {
    if (block.kind !== 'commands' && block.kind !== 'transcript') continue
    const lang = block.kind === 'transcript' && block.lang === '' ? 'console' : block.lang
    const shell = readShell(block.value, block.line, lang)
    const commands = shell.commands.map((c) => {
      for (let l = c.line; l <= c.lastLine; l++) covered.add(l)
      return {
        line: c.line,
        lastLine: c.lastLine,
        run: runText(c.text, c.heredoc),
        shown: c.text.split('\n')[0] ?? c.text,
        outputs: outputsOf(c.line),
      }
    })
    if (commands.length === 0) continue
    const step: StepBlock = {
      line: block.line,
      origin: 'block',
      commands,
      section: headingPathAt(doc, block.line).join(' > '),
    }
    if (block.controls) step.controls = block.controls
    const why = notRun(doc, block.line, lang, block.tab, firstTab)
    if (why) step.notRun = why
    blocks.push(step)
  }
  // Commands prose tells the reader to run, and prompted commands an output block shows.
  const seen = new Set<string>()
  for (const command of doc.commands) {
    if (covered.has(command.line) || seen.has(`${command.line}\0${command.text}`)) continue
    seen.add(`${command.line}\0${command.text}`)
    const step: StepBlock = {
      line: command.line,
      origin: command.inline ? 'inline' : 'output-block',
      commands: [
        {
          line: command.line,
          lastLine: command.line,
          run: command.text,
          shown: command.text.split('\n')[0] ?? command.text,
          outputs: outputsOf(command.line),
        },
      ],
      section: headingPathAt(doc, command.line).join(' > '),
    }
    const why = notRun(doc, command.line, 'bash', undefined, firstTab)
    if (why) step.notRun = why
    blocks.push(step)
  }
  return blocks.sort((a, b) => a.line - b.line)
}

function notRun(
  doc: Document,
  line: number,
  lang: string,
  tab: { group: number; name: string } | undefined,
  firstTab: Map<number, string>,
): string | undefined {
  if (inReaderSection(doc, line))
    return `the reader's own project ("${headingPathAt(doc, line).join(' > ')}")`
  if (tab) {
    const first = firstTab.get(tab.group)
    if (first === undefined) firstTab.set(tab.group, tab.name)
    else if (first !== tab.name) return `an alternative to the "${first}" tab, which the walk follows`
  }
  if (POWERSHELL.test(lang)) return `a ${lang} block: the workstation's shell is bash`
  return undefined
}
