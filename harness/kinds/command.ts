/**
 * A command the document tells the reader to type is one a shell runs, and the one the next
 * block runs. `Docker build -t app .` fails as typed (command names are case-sensitive: there is
 * no `Docker`), and "Type in `cat builder.sh`" over a block that runs `./build.sh` leaves the
 * reader with two instructions that disagree.
 */
import { z } from 'zod'
import type { Command } from '../model/index.js'
import { defineKind, fail, pass } from './kit/index.js'

/** Programs whose first word after the name is a subcommand that says what runs. */
const SUBCOMMANDS = new Set([
  'docker',
  'git',
  'npm',
  'yarn',
  'pnpm',
  'cargo',
  'go',
  'kubectl',
  'uv',
  'pip',
  'pip3',
  'poetry',
])

/** What a command runs, for comparing two ways of writing it: `docker build`, `./build.sh`, `cat`. */
export function commandKey(argv: string[]): string {
  const program = argv[0] ?? ''
  if (!SUBCOMMANDS.has(program)) return program
  const sub = argv.slice(1).find((a) => !a.startsWith('-'))
  const third =
    sub === 'compose' || sub === 'image' || sub === 'container'
      ? argv.slice(2).find((a) => !a.startsWith('-'))
      : undefined
  return [program, sub, third].filter((w) => w !== undefined).join(' ')
}

export const command = defineKind({
  id: 'command',
  fields: {
    role: z.enum(['typed', 'instructed']),
    command: z.string(),
    /** A shell's reason to reject it as written. */
    rejects: z.string().optional(),
    /** For an instruction: the block that follows it and the commands it runs. */
    block: z.object({ line: z.number().int(), commands: z.array(z.string()) }).optional(),
  },

  extract(x, emit) {
    const seen = new Set<string>()
    for (const c of x.doc.commands) {
      if (!c.shellRejects || seen.has(`${c.line} ${c.text}`)) continue
      seen.add(`${c.line} ${c.text}`)
      emit({
        line: c.line,
        title: `${c.text} runs as typed`,
        quote: c.text,
        subject: c.text,
        role: 'typed',
        command: c.text,
        rejects: c.shellRejects,
      })
    }
    const inline = x.doc.commands.filter((c) => c.inline)
    const byLine = new Map<number, Command[]>()
    for (const c of inline) byLine.set(c.line, [...(byLine.get(c.line) ?? []), c])
    for (const [line, commands] of byLine) {
      const texts = new Set(commands.map((c) => c.text))
      if (texts.size !== 1) continue
      const told = commands[0] as Command
      // The paragraph says the next block is what to type: "Type in `x`", "Enter `x`", "Run `x`:";
      // a paragraph that is only the command, or that goes on ("and then compare"), is a step of its own.
      const paragraph = x.doc.prose.find((p) => p.line === line)?.text.trim() ?? ''
      const said =
        paragraph.split(/(?<=[.!?])\s+(?=[A-Z])/).find((sentence) => sentence.includes(told.text)) ??
        paragraph
      if (said === told.text || /\b(?:then|next|afterwards|after that|followed by|also)\b/i.test(said))
        continue
      if (!/\b(?:type|enter|paste)\b/i.test(said) && !said.endsWith(':')) continue
      const block = x.doc.blocks.find(
        (b) =>
          b.line > line &&
          b.line <= line + 6 &&
          (b.kind === 'commands' || b.kind === 'transcript') &&
          b.lead.includes(told.text),
      )
      if (!block) continue
      const runs = x.doc.commands.filter((c) => c.line > block.line && c.line < block.endLine && !c.inline)
      if (runs.length === 0) continue
      emit({
        line,
        title: `the block after "${told.text}" runs it`,
        quote: `${told.text} → ${[...new Set(runs.map((r) => r.text))].join('; ')}`,
        subject: told.text,
        role: 'instructed',
        command: told.text,
        block: { line: block.line, commands: [...new Set(runs.map((r) => commandKey(r.argv)))] },
      })
    }
  },

  check(claim) {
    if (claim.role === 'typed')
      return [
        fail('a shell runs it', `${claim.rejects ?? 'the shell rejects it'}`, {
          expected: claim.command.replace(/^\S+/, (w) => w.toLowerCase()),
          measured: claim.command,
        }),
      ]
    const want = commandKey(claim.command.split(/\s+/))
    const runs = claim.block?.commands ?? []
    const name = 'the block runs the command the text names'
    return runs.includes(want)
      ? [pass(name, `the block at line ${claim.block?.line} runs ${want}`)]
      : [
          fail(
            name,
            `the text says to type \`${claim.command}\`, but the block at line ${claim.block?.line} runs ${runs.join(', ')}`,
            {
              expected: want,
              measured: runs.join(', '),
            },
          ),
        ]
  },

  measured: false,
})
