/**
 * A command the document tells the reader to type is one a shell runs, and the one the next
 * block runs. `Docker build -t app .` fails as typed (command names are case-sensitive: there is
 * no `Docker`), and "Type in `cat builder.sh`" over a block that runs `./build.sh` leaves the
 * reader with two instructions that disagree.
 */
import { z } from 'zod'
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
  const words = operands(argv.slice(1))
  const sub = words[0]
  const third = sub === 'compose' || sub === 'image' || sub === 'container' ? words[1] : undefined
  return [program, sub, third].filter((w) => w !== undefined).join(' ')
}

/** Options that take a value (`docker compose -f c.yaml up`): their values are not subcommands. */
const VALUED = new Set([
  '-f',
  '--file',
  '-p',
  '--project-name',
  '--env-file',
  '--profile',
  '-H',
  '--host',
  '--context',
  '-C',
])

function operands(args: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (VALUED.has(a)) i++
    else if (!a.startsWith('-')) out.push(a)
  }
  return out
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
    // "Type in `x`" over a block: the block is what the reader types. The instruction names its
    // command inline; the parse stage drops an inline command the block repeats, so a block whose
    // lead quotes one of its own commands is read here too.
    for (const block of x.doc.blocks) {
      if (
        (block.kind !== 'commands' && block.kind !== 'transcript') ||
        !/\b(?:type|enter|paste|run|execute)\b/i.test(block.lead)
      )
        continue
      let lead: (typeof x.doc.prose)[number] | undefined
      for (const p of x.doc.prose) {
        if (p.line >= block.line) break
        if (p.kind !== 'heading') lead = p
      }
      if (!lead || block.line - lead.line > 6) continue
      const runs = x.doc.commands.filter((c) => c.line > block.line && c.line < block.endLine && !c.inline)
      if (runs.length === 0) continue
      const told = x.doc.commands.filter((c) => c.inline && c.line === lead.line)
      const texts = [...new Set(told.map((c) => c.text))]
      const quoted = texts.length === 0 ? runs.find((r) => lead.text.includes(r.text))?.text : undefined
      const command = texts.length === 1 ? texts[0] : quoted
      if (command === undefined) continue
      const sentence = lead.text.split(/(?<=[.!?])\s+(?=[A-Z])/).find((s) => s.includes(command)) ?? lead.text
      // A paragraph that is only the command, or that goes on ("and then compare"), is a step of its own.
      if (sentence === command || /\b(?:then|next|afterwards|after that|followed by|also)\b/i.test(sentence))
        continue
      // "Type in `x`", "Enter `x`"; "Run `x`:" only where the text itself names the command inline
      // (a bold "**docker images** shows…:" describes the block, it does not instruct).
      const typed = /\b(?:type|enter|paste)\b/i.test(sentence)
      const run = texts.length === 1 && /\b(?:run|execute)\b/i.test(sentence) && sentence.endsWith(':')
      if (!typed && !run) continue
      emit({
        line: lead.line,
        title: `the block after "${command}" runs it`,
        quote: `${command} → ${[...new Set(runs.map((r) => r.text))].join('; ')}`,
        subject: command,
        role: 'instructed',
        command,
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
