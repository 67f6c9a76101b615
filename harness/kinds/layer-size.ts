/** A layer's size from a `docker history` output. */
import { z } from 'zod'
import { dockerSize, fmtPct, relativeDiffPct, Size } from '../model/index.js'
import { blocked, type CheckContext, defineKind, fail, MEASURED, pass } from './kit/index.js'
import { histories } from './readings/outputs.js'

/** `docker history` CREATED BY, as BuildKit and the classic builder both print it, reduced to the instruction. */
export function normalizeCreatedBy(text: string): string {
  return (
    text
      .replace(/^\/bin\/sh -c #\(nop\)\s+/, '')
      .replace(/^\/bin\/sh -c /, 'RUN ')
      .replace(/^\|\d+ (\S+=\S+ )+/, '')
      .replace(/^RUN \/bin\/sh -c /, 'RUN ')
      .replace(/\s*# buildkit$/, '')
      // The classic builder names a copied file by a hash of its tar entry (mtime included): not comparable.
      .replace(/^(COPY|ADD) (file|dir|multi):[0-9a-f]+/, '$1 $2')
      .replace(/^(COPY|ADD) --from=\S+ /, '$1 ')
      .replace(/\s+/g, ' ')
      .replace(/["']/g, '')
      .trim()
  )
}

type Layer = { createdBy: string; size: number }

/**
 * Pairs the rows of a `docker history` output with the built image's layers, in order (both
 * list the newest first): each row takes the next layer whose CREATED BY it starts with, so
 * repeated or empty CREATED BY texts (an imported base layer) pair up by position.
 */
export function alignHistory(
  rows: { line: number; createdBy: string }[],
  layers: Layer[],
): Map<number, Layer> {
  const paired = new Map<number, Layer>()
  let next = 0
  for (const row of rows) {
    const wanted = normalizeCreatedBy(row.createdBy).replace(/(\.\.\.|…)$/, '')
    for (let i = next; i < layers.length; i++) {
      const layer = layers[i] as Layer
      const have = normalizeCreatedBy(layer.createdBy)
      if (wanted === '' ? have === '' : have.startsWith(wanted)) {
        paired.set(row.line, layer)
        next = i + 1
        break
      }
    }
  }
  return paired
}

function short(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** The rows of the history output a layer claim was read from. */
function historyRows(ctx: CheckContext, line: number) {
  return ctx.claims.find(
    (c): c is typeof c & { layers: { line: number; createdBy: string }[] } =>
      c.kind === 'history' && (c.layers as { line: number }[]).some((l) => l.line === line),
  )?.layers
}

export const layerSize = defineKind({
  id: 'layer-size',
  fields: {
    createdBy: z.string(),
    size: Size,
  },

  extract(x, emit) {
    for (const h of x.read(histories)) {
      for (const layer of h.layers) {
        emit({
          line: layer.line,
          title: `${h.image} layer "${short(layer.createdBy)}" is ${layer.size.text}`,
          quote: `${layer.createdBy} ${layer.size.text}`,
          ...x.about(h.it),
          image: h.image,
          createdBy: layer.createdBy,
          size: layer.size,
        })
      }
    }
  },

  /** A COPY of a file the lesson defines: the layer is that file's size. */
  check(claim, ctx) {
    const copy = /^COPY\s+(?:--\S+\s+)*([^\s/][^\s]*)\s+\S+/.exec(claim.createdBy)
    const it = ctx.iterations.of(claim)
    const file = copy?.[1] && it ? it.files[copy[1]] : undefined
    if (!file) return []
    const bytes = Buffer.byteLength(`${file.content}\n`)
    const diff = relativeDiffPct(claim.size.bytes, bytes)
    const tol = Math.max(ctx.settings.size_tolerance_pct, (claim.size.rounding / Math.max(bytes, 1)) * 100)
    const name = 'matches the size of the file the lesson defines'
    const written = `${file.name} as the lesson writes it (line ${file.line}) is ${bytes} bytes`
    return [
      diff <= tol
        ? pass(name, `${written}, ${fmtPct(diff)} from ${claim.size.text}`)
        : fail(name, `${written} (${dockerSize(bytes)}), not ${claim.size.text}`, {
            expected: claim.size.text,
            measured: dockerSize(bytes),
          }),
    ]
  },

  measured: {
    judge(claim, ctx) {
      const r = ctx.measuredImage(ctx.iterations.of(claim))
      if (Array.isArray(r)) return r
      const rows = historyRows(ctx, claim.source.line)
      const layer = rows ? alignHistory(rows, r.image.layers).get(claim.source.line) : undefined
      if (!layer) {
        return [
          blocked(
            MEASURED,
            `no layer of the built image matches "${claim.createdBy}" (it may come from a base image this run replaced)`,
          ),
        ]
      }
      const diff = relativeDiffPct(layer.size, claim.size.bytes)
      // Small layers: a few hundred bytes either way is within what the text can round to.
      const ok =
        diff <= ctx.settings.size_tolerance_pct ||
        Math.abs(layer.size - claim.size.bytes) <= Math.max(claim.size.rounding, 512)
      const measured = dockerSize(layer.size)
      const more = { expected: claim.size.text, measured }
      return [
        ok
          ? pass(MEASURED, `the layer measures ${measured}`, more)
          : fail(
              MEASURED,
              `the layer measures ${measured}, not ${claim.size.text} (${fmtPct(diff)} apart)`,
              more,
            ),
      ]
    },
  },
})
