/**
 * Identifiers a document shows for images and containers are Docker's: hexadecimal (they are
 * SHA-256 digests, printed as their first 12 hex digits), and one image is one ID. Read from
 * `docker images`, `docker ps`, `docker history`, the ID `docker run -d` prints and `docker
 * inspect` JSON: each output's IDs must be hex, and an image shown twice (two listings, a
 * listing and its inspect `Id`) must show the same ID unless the document rebuilds, pulls or
 * re-tags it in between.
 */
import { z } from 'zod'
import type { Check } from '../model/index.js'
import { segments } from '../parse/index.js'
import { defineKind, type Extraction, fail, pass, type Reading } from './kit/index.js'
import { dockerRun, imageKey, imageSources } from './readings/docker-cli.js'

/** An ID a document shows. */
export interface Sighting {
  line: number
  id: string
  /** The column or field it is in. */
  field: string
  /** The image it names (`docker.io/library/nginx:alpine`), for image IDs. */
  image?: string
  /** The image as the output writes it. */
  shown?: string
}

/** The ID without `sha256:` and a trailing ellipsis; undefined for a placeholder (`<none>`, `<missing>`). */
export function bareId(text: string): string | undefined {
  const id = text
    .trim()
    .replace(/^sha256:/, '')
    .replace(/(?:\.\.\.|…)$/, '')
  return id === '' || /[<>\s]/.test(id) ? undefined : id
}

export const isHex = (id: string) => /^[0-9a-f]+$/i.test(id)

/** Two IDs of one image agree when one is a prefix of the other (short and full forms). */
export function sameId(a: string, b: string): boolean {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  return x.startsWith(y) || y.startsWith(x)
}

/** The images a document builds, pulls or tags, by key. */
const knownImages: Reading<Set<string | undefined>> = (x) =>
  new Set([...x.read(imageSources).map((s) => s.key), ...x.iterations.all.map((i) => imageKey(i.tag))])

/** An image a listing names, as a reference the document uses: `href-counter` for `someone/href-counter`. */
function listedImage(x: Extraction, repo: string, tag: string): string | undefined {
  if (tag === '<none>' || repo === '<none>') return undefined
  const key = imageKey(`${repo}:${tag}`)
  if (!key) return undefined
  const known = x.read(knownImages)
  if (known.has(key) || repo.includes('/')) return key
  const tail = [...known].filter((k) => k?.endsWith(`/${repo}:${tag}`))
  return tail.length === 1 ? tail[0] : key
}

interface Shown {
  line: number
  what: string
  ids: Sighting[]
}

const ID_PRINTERS = /^docker\s+(?:container\s+|image\s+)?(?:run|create|inspect)\b/

/** Every output that shows IDs, with its IDs. */
const shownIds: Reading<Shown[]> = (x) => {
  const out: Shown[] = []
  for (const table of x.doc.tables) {
    if (table.origin !== 'output') continue
    const field =
      table.kind === 'images'
        ? 'IMAGE ID'
        : table.kind === 'ps'
          ? 'CONTAINER ID'
          : table.kind === 'history'
            ? 'IMAGE'
            : undefined
    const at = field ? table.header.indexOf(field) : -1
    if (!field || at === -1) continue
    const ids = table.rows.flatMap((row): Sighting[] => {
      const id = bareId(row.cells[at] ?? '')
      if (!id) return []
      const s: Sighting = { line: row.line, id, field }
      if (table.kind === 'images') {
        const image = listedImage(x, row.cells[0] ?? '', row.cells[1] ?? '')
        if (image) {
          s.image = image
          s.shown = `${row.cells[0]}:${row.cells[1]}`
        }
      }
      return [s]
    })
    if (ids.length > 0)
      out.push({ line: table.line, what: `${table.command ?? `docker ${table.kind}`}`, ids })
  }
  for (const output of x.doc.outputs) {
    // Only runs, creates and inspects print IDs here: most outputs are logs, skipped unparsed.
    if (!output.command || !ID_PRINTERS.test(output.command)) continue
    const argv = segments(output.command)[0]
    if (argv?.[0] !== 'docker') continue
    const sub = argv[1] === 'container' || argv[1] === 'image' ? argv[2] : argv[1]
    const run =
      sub === 'run' || sub === 'create'
        ? dockerRun({ line: output.line, text: output.command ?? '', argv })
        : undefined
    if (run && (run.detached || sub === 'create')) {
      const text = output.text.trim()
      if (/^[0-9a-z]{12,64}$/i.test(text) && /\d/.test(text))
        out.push({
          line: output.line,
          what: output.command ?? 'docker run -d',
          ids: [{ line: output.line + 1, id: text, field: 'container ID' }],
        })
    }
    if (sub === 'inspect' && Array.isArray(output.json)) {
      const ids: Sighting[] = []
      const operand = argv.slice(2).find((a) => !a.startsWith('-'))
      for (const item of output.json as unknown[]) {
        if (!item || typeof item !== 'object') continue
        const obj = item as Record<string, unknown>
        const raw = typeof obj.Id === 'string' ? obj.Id : undefined
        const id = raw ? bareId(raw) : undefined
        if (!id) continue
        const lineNo = output.line + 1 + output.text.split('\n').findIndex((l) => l.includes(raw ?? '\0'))
        const tags = Array.isArray(obj.RepoTags) ? (obj.RepoTags as unknown[]).map(String) : []
        const s: Sighting = { line: lineNo, id, field: 'Id' }
        const ref = tags[0] ?? (obj.RepoTags !== undefined ? operand : undefined)
        const key = ref ? imageKey(ref) : undefined
        if (ref && key) {
          s.image = key
          s.shown = ref
        }
        ids.push(s)
      }
      if (ids.length > 0) out.push({ line: output.line, what: output.command ?? 'docker inspect', ids })
    }
  }
  return out
}

export const imageId = defineKind({
  id: 'image-id',
  fields: {
    role: z.enum(['hex', 'same-image']),
    ids: z.array(
      z.object({
        line: z.number().int(),
        id: z.string(),
        field: z.string(),
        image: z.string().optional(),
        shown: z.string().optional(),
      }),
    ),
    /** For one image shown twice: lines where the document rebuilds, pulls or tags it. */
    remade: z.array(z.number().int()),
  },

  extract(x, emit) {
    const shown = x.read(shownIds)
    // An output with an ID that is not hex is a claim at its line; the rest are one claim.
    const hex = shown.filter((s) => s.ids.every((i) => isHex(i.id)))
    for (const s of shown.filter((o) => !hex.includes(o)))
      emit({
        line: s.line,
        title: `the IDs ${s.what} shows are hexadecimal`,
        quote: `${s.what} ${s.ids.map((i) => i.id).join(' ')}`,
        subject: s.what,
        role: 'hex',
        ids: s.ids,
        remade: [],
      })
    if (hex.length > 0)
      emit({
        line: hex[0]?.line ?? 1,
        title: `the IDs of ${hex.length} output${hex.length > 1 ? 's' : ''} are hexadecimal`,
        quote: `${hex.length} outputs ${hex.flatMap((s) => s.ids.map((i) => i.id)).join(' ')}`,
        subject: 'IDs',
        role: 'hex',
        ids: hex.flatMap((s) => s.ids),
        remade: [],
      })
    const byImage = new Map<string, Sighting[]>()
    for (const s of shown.flatMap((o) => o.ids))
      if (s.image && isHex(s.id)) byImage.set(s.image, [...(byImage.get(s.image) ?? []), s])
    const sources = x.read(imageSources)
    for (const [image, sightings] of byImage) {
      if (sightings.length < 2) continue
      const remade = [
        ...sources.filter((s) => s.key === image).map((s) => s.line),
        ...x.iterations.all.filter((i) => imageKey(i.tag) === image).map((i) => i.line),
      ]
      const shownAs = sightings[0]?.shown ?? image
      emit({
        line: sightings[1]?.line ?? sightings[0]?.line ?? 1,
        title: `${shownAs} is shown with one image ID`,
        quote: `${shownAs} ${sightings.map((s) => s.id).join(' ')}`,
        subject: shownAs,
        image: shownAs,
        role: 'same-image',
        ids: sightings,
        remade: [...new Set(remade)].sort((a, b) => a - b),
      })
    }
  },

  check(claim) {
    if (claim.role === 'hex') {
      const bad = claim.ids.filter((i) => !isHex(i.id))
      const name = 'IDs are hexadecimal'
      return bad.length === 0
        ? [pass(name, `${claim.ids.length} ID(s), all hexadecimal`)]
        : [
            fail(
              name,
              `${bad.map((b) => `${b.field} ${b.id} (line ${b.line})`).join(', ')} ${bad.length > 1 ? 'are' : 'is'} not hexadecimal: Docker's IDs are SHA-256 digests, written with 0-9 and a-f only`,
              { expected: 'hexadecimal IDs', measured: bad.map((b) => b.id).join(', ') },
            ),
          ]
    }
    const checks: Check[] = []
    const name = 'one image, one ID'
    const sorted = [...claim.ids].sort((a, b) => a.line - b.line)
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1] as (typeof sorted)[number]
      const cur = sorted[i] as (typeof sorted)[number]
      if (sameId(prev.id, cur.id)) continue
      const between = claim.remade.find((l) => l > prev.line && l < cur.line)
      if (between !== undefined) continue
      checks.push(
        fail(
          name,
          `${claim.image} is ${prev.id} (${prev.field}, line ${prev.line}) but ${cur.id} (${cur.field}, line ${cur.line}), and nothing between rebuilds, pulls or tags it`,
          { expected: prev.id, measured: cur.id },
        ),
      )
    }
    return checks.length > 0
      ? checks
      : [
          pass(
            name,
            `${sorted.map((s) => `${s.id} (line ${s.line})`).join(', ')} agree${claim.remade.length ? ' within each build' : ''}`,
          ),
        ]
  },

  measured: false,
})
