/**
 * What a document says of CPU, memory and disk holds together. `docker run --memory=4g
 * --cpus=2` sets limits, the most a container may use ("-m, --memory: the maximum amount of
 * memory the container can use"; "--cpus: how much of the available CPU resources a container
 * can use", Docker docs, Resource constraints), so "this reserves 4GB RAM and 2 CPUs" misreads
 * it; only `--memory-reservation` is named for reserving. And two minimums for one resource
 * ("2 CPU cores minimum", "CPUs: 4 (minimum …)") cannot both be the minimum.
 */
import { z } from 'zod'
import type { Check } from '../model/index.js'
import { defineKind, fail, pass, type Reading } from './kit/index.js'
import { dockerRuns } from './readings/docker-cli.js'

type Resource = 'cpu' | 'memory' | 'disk'

/** A minimum a document states, normalised (CPUs as a count, memory and disk in GB). */
export interface Minimum {
  line: number
  resource: Resource
  value: number
  quote: string
}

function resourceOf(word: string): Resource | undefined {
  const w = word.toLowerCase()
  if (/cpu|core|processor/.test(w)) return 'cpu'
  if (/ram|memory/.test(w)) return 'memory'
  if (/disk|storage|space/.test(w)) return 'disk'
  return undefined
}

function gb(value: number, unit: string | undefined): number {
  const u = (unit ?? 'GB').toUpperCase()
  if (u.startsWith('M')) return value / 1000
  if (u.startsWith('T')) return value * 1000
  return value
}

const NUM = String.raw`(\d+(?:\.\d+)?)\s*(GB|GiB|MB|MiB|TB|G|M)?`
const RES = '(RAM|memory|CPU cores?|CPUs?|cores?|vCPUs?|processors?|(?:free )?disk(?: space)?|storage)'
/** "4 GB RAM minimum", "2 CPUs minimum". */
const TRAILING = new RegExp(String.raw`${NUM}\s*(?:of\s+)?${RES}\s*(?:\(|,\s*)?(?:at\s+)?minimum\b`, 'gi')
/** "minimum 4GB RAM", "at least 2 CPUs", "minimum of 8 GB". */
const LEADING = new RegExp(String.raw`\b(?:minimum(?:\s+of)?|at\s+least)\s+${NUM}\s*(?:of\s+)?${RES}?`, 'gi')
/** "CPUs: 4 (minimum …)", "Memory: 8 GB (minimum 4GB …)". */
const LABELLED = new RegExp(String.raw`\b${RES}\s*:\s*${NUM}\s*\(\s*(?:minimum|min\.?)\b(?!\s+\d)`, 'gi')

/** The minimums one text states. */
export function minimumsIn(text: string, line: number): Minimum[] {
  const out: Minimum[] = []
  const label = /^\s*([A-Za-z ]+?)\s*:/.exec(text)?.[1]
  const push = (resource: Resource | undefined, value: number, quote: string) => {
    if (!resource || !Number.isFinite(value)) return
    if (!out.some((m) => m.resource === resource && m.value === value))
      out.push({ line, resource, value, quote })
  }
  for (const m of text.matchAll(TRAILING)) {
    const r = resourceOf(m[3] ?? '')
    push(r, r === 'cpu' ? Number(m[1]) : gb(Number(m[1]), m[2]), m[0])
  }
  for (const m of text.matchAll(LEADING)) {
    const r = resourceOf(m[3] ?? (label ? label : ''))
    if (r !== 'cpu' && m[2] === undefined) continue
    push(r, r === 'cpu' ? Number(m[1]) : gb(Number(m[1]), m[2]), m[0])
  }
  for (const m of text.matchAll(LABELLED)) {
    const r = resourceOf(m[1] ?? '')
    if (r !== 'cpu' && m[3] === undefined) continue
    push(r, r === 'cpu' ? Number(m[2]) : gb(Number(m[2]), m[3]), m[0])
  }
  return out
}

/** Every minimum a document states, in its prose and its tables. */
const minimums: Reading<Minimum[]> = (x) => {
  const wanted = /minimum|at least/i
  const texts = [
    ...x.doc.prose.filter((p) => p.kind !== 'heading' && wanted.test(p.text)),
    ...x.doc.tables
      .filter((t) => t.origin === 'markdown')
      .flatMap((t) => t.rows.map((r) => ({ line: r.line, text: r.cells.join(' | ') })))
      .filter((t) => wanted.test(t.text)),
  ]
  return texts.flatMap((t) => minimumsIn(t.text, t.line))
}

const RESERVE = /\breserv(?:es|ed|ing|e)\b/i

export const resource = defineKind({
  id: 'resource',
  fields: {
    role: z.enum(['reserve', 'minimum']),
    /** For a reservation: the docker run flags it describes. */
    flags: z.array(z.string()).optional(),
    /** For a minimum: the resource and value, and every other minimum of it in the document. */
    minimum: z.object({ resource: z.string(), value: z.number() }).optional(),
    others: z.array(z.object({ line: z.number().int(), value: z.number(), quote: z.string() })).optional(),
  },

  extract(x, emit) {
    const reserving = x.doc.prose.filter((p) => RESERVE.test(p.text))
    const runs = reserving.length > 0 ? x.read(dockerRuns) : []
    for (const prose of reserving) {
      const run = runs.filter((r) => r.command.line < prose.line && prose.line - r.command.line <= 12).at(-1)
      if (!run) continue
      const flags = [...run.options.keys()].filter((k) =>
        ['-m', '--memory', '--cpus', '--cpu-shares', '-c', '--memory-reservation', '--cpuset-cpus'].includes(
          k,
        ),
      )
      if (flags.length === 0) continue
      const sentence = prose.text.split(/(?<=[.!?])\s+/).find((s) => RESERVE.test(s)) ?? prose.text
      emit({
        line: prose.line,
        title: `"${sentence.slice(0, 60)}" describes what ${flags.join(' ')} do`,
        quote: sentence,
        subject: run.command.text,
        role: 'reserve',
        flags: flags.map((f) => `${f}=${run.options.get(f)?.[0] ?? ''}`),
      })
    }
    const all = x.read(minimums)
    for (const m of all) {
      const others = all.filter((o) => o.resource === m.resource && o !== m)
      if (others.length === 0) continue
      emit({
        line: m.line,
        title: `${m.quote} is the document's one minimum for ${m.resource}`,
        quote: m.quote,
        subject: m.resource,
        role: 'minimum',
        minimum: { resource: m.resource, value: m.value },
        others: others.map((o) => ({ line: o.line, value: o.value, quote: o.quote })),
      })
    }
  },

  check(claim) {
    if (claim.role === 'reserve') {
      const name = 'the flags reserve what the text says'
      const flags = claim.flags ?? []
      if (flags.some((f) => f.startsWith('--memory-reservation')))
        return [pass(name, `${flags.join(' ')}: --memory-reservation sets a soft reservation`)]
      return [
        fail(
          name,
          `${flags.join(' ')} set limits, the most the container may use, not a reservation; Docker reserves memory only with --memory-reservation (a soft limit) and reserves no CPUs`,
          { expected: 'limits', measured: 'reserves' },
        ),
      ]
    }
    const m = claim.minimum as NonNullable<typeof claim.minimum>
    const differ = (claim.others ?? []).filter((o) => o.value !== m.value)
    const name = 'agrees with the other minimums stated'
    const checks: Check[] = [
      differ.length === 0
        ? pass(name, `every minimum for ${m.resource} is ${m.value}`)
        : fail(
            name,
            `${claim.quote} says ${m.value}, but ${differ.map((d) => `line ${d.line} says "${d.quote}"`).join('; ')}`,
            { expected: String(m.value), measured: differ.map((d) => d.value).join(', ') },
          ),
    ]
    return checks
  },

  measured: false,
})
