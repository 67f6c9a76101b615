/**
 * A `docker pull` prints one line per layer it fetches (or finds already there); `docker
 * inspect` of the same image lists its layers (`RootFS.Layers`). A document that shows both
 * shows one count twice: three "Pull complete" lines and four layers cannot both be the image.
 */
import { z } from 'zod'
import { segments } from '../parse/index.js'
import { defineKind, fail, pass } from './kit/index.js'
import { imageKey } from './readings/docker-cli.js'

const LAYER_LINE =
  /^([0-9a-f]{12}|[0-9a-z]{12}): (?:Pull complete|Already exists|Download complete|Verifying Checksum|Extracting|Downloading|Waiting|Pulling fs layer)/

/** The layer IDs a pull output shows; undefined when the output is cut (`...`). */
export function layerLines(text: string): string[] | undefined {
  const lines = text.split('\n')
  if (lines.some((l) => /^\s*(?:\.\.\.|…)\s*$/.test(l))) return undefined
  return [...new Set(lines.flatMap((l) => LAYER_LINE.exec(l.trim())?.[1] ?? []))]
}

/** `RootFS.Layers` (or a top-level `Layers`) of an inspect object. */
function inspectLayers(item: unknown): string[] | undefined {
  if (!item || typeof item !== 'object') return undefined
  const obj = item as Record<string, unknown>
  const rootfs = obj.RootFS as Record<string, unknown> | undefined
  const layers = (rootfs && Array.isArray(rootfs.Layers) ? rootfs.Layers : obj.Layers) as unknown
  return Array.isArray(layers) ? layers.map(String) : undefined
}

export const pulledLayers = defineKind({
  id: 'pulled-layers',
  fields: {
    ref: z.string(),
    pulled: z.array(z.string()),
    inspected: z.object({ line: z.number().int(), layers: z.array(z.string()) }),
  },

  extract(x, emit) {
    const inspects = x.doc.outputs.flatMap((o) => {
      if (!Array.isArray(o.json) || !o.command?.includes('inspect')) return []
      const argv = segments(o.command)[0]
      const sub = argv?.[1] === 'image' ? argv?.[2] : argv?.[1]
      if (argv?.[0] !== 'docker' || sub !== 'inspect' || !Array.isArray(o.json)) return []
      const operand = argv.slice(argv[1] === 'image' ? 3 : 2).find((a) => !a.startsWith('-'))
      return (o.json as unknown[]).flatMap((item) => {
        const layers = inspectLayers(item)
        const tags = (item as { RepoTags?: unknown }).RepoTags
        const refs = [...(Array.isArray(tags) ? tags.map(String) : []), ...(operand ? [operand] : [])]
        return layers ? [{ line: o.line, layers, keys: new Set(refs.map((r) => imageKey(r))) }] : []
      })
    })
    if (inspects.length === 0) return
    for (const output of x.doc.outputs) {
      const argv = output.command ? segments(output.command)[0] : undefined
      const sub = argv?.[1] === 'image' ? argv?.[2] : argv?.[1]
      if (argv?.[0] !== 'docker' || sub !== 'pull') continue
      const ref = argv.slice(argv[1] === 'image' ? 3 : 2).find((a) => !a.startsWith('-'))
      const key = ref ? imageKey(ref) : undefined
      const pulled = layerLines(output.text)
      const inspected = inspects.find((i) => key !== undefined && i.keys.has(key))
      if (!ref || !pulled || pulled.length === 0 || !inspected) continue
      emit({
        line: output.line,
        title: `docker pull ${ref} shows the layers docker inspect lists`,
        quote: `docker pull ${ref} ${pulled.join(' ')}`,
        subject: ref,
        image: ref,
        ref,
        pulled,
        inspected: { line: inspected.line, layers: inspected.layers },
      })
    }
  },

  check(claim) {
    const name = 'one layer line per layer'
    const n = claim.pulled.length
    const m = claim.inspected.layers.length
    return n === m
      ? [pass(name, `${n} layers pulled, ${m} in docker inspect (line ${claim.inspected.line})`)]
      : [
          fail(
            name,
            `the pull shows ${n} layer${n === 1 ? '' : 's'}, but docker inspect (line ${claim.inspected.line}) lists ${m}: a pull prints a line for every layer of the image, fetched or already there`,
            { expected: String(m), measured: String(n) },
          ),
        ]
  },

  measured: false,
})
