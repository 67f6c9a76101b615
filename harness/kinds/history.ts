/** A `docker history` output as a whole: its layers against the size claimed for the same image. */
import { z } from 'zod'
import { finalStage } from '../dockerfile/index.js'
import {
  type AnyClaim,
  type Check,
  dockerSize,
  fmtPct,
  parseSize,
  relativeDiffPct,
  Size,
  SizeRef,
  sizeInterval,
} from '../model/index.js'
import { blocked, type CheckContext, defineKind, fail, pass } from './kit/index.js'
import { histories } from './readings/outputs.js'
import { lineFinder, proseItems, SIZE } from './readings/prose.js'

/** "the layers we added … (about 20MB +/-)": what the prose says the shown layers come to. */
const LAYERS_SIZE = new RegExp(String.raw`\blayers?\b[^.]*?\(?(${SIZE})`, 'i')

export const history = defineKind({
  id: 'history',
  fields: {
    layers: z.array(z.object({ line: z.number().int().positive(), createdBy: z.string(), size: Size })),
    /** The output ends with `...`: older layers were left out. */
    truncated: z.boolean(),
    /** The size the sentence leading to the output gives the layers it shows. */
    stated: SizeRef.optional(),
    /** Cut to its first rows (`| head -n 4`): the rows shown are the layers the prose speaks of. */
    cut: z.boolean().optional(),
  },

  extract(x, emit) {
    const prose = x.read(proseItems)
    for (const h of x.read(histories)) {
      // The sentence that leads to the command (within a few lines before it) may size its layers.
      const commandLine =
        x.doc.commands.find(
          (c) => c.outputLine !== undefined && c.outputLine < h.table.line && h.table.command === c.text,
        )?.line ?? h.table.line
      const lead = [...prose]
        .reverse()
        .find(
          (p) =>
            p.prose.line < commandLine && p.prose.line >= commandLine - 8 && LAYERS_SIZE.test(p.prose.text),
        )
      const m = lead ? LAYERS_SIZE.exec(lead.prose.text) : null
      const size = m?.[1] ? parseSize(m[1]) : undefined
      const stated = lead && size ? { line: lineFinder(x, lead)(m?.[1] ?? ''), size } : undefined
      emit({
        line: h.table.line,
        title: `docker history of ${h.image} adds up to its size`,
        quote: `docker history ${h.image}`,
        ...x.about(h.it),
        image: h.image,
        layers: h.layers,
        truncated: h.truncated,
        ...(stated ? { stated } : {}),
        ...(/\|\s*head\b/.test(h.table.command ?? '') ? { cut: true } : {}),
      })
    }
  },

  check(claim, ctx): Check[] {
    return [...ownSize(claim), ...addUp(claim, ctx)]
  },

  // Each row is a layer-size claim of its own, and those are measured.
  measured: false,
})

type HistoryClaim = AnyClaim & {
  layers: { line: number; createdBy: string; size: Size }[]
  truncated: boolean
  stated?: SizeRef | undefined
  cut?: boolean | undefined
}

/** "the layers we added … (about 20MB)" against the rows the output shows. */
function ownSize(claim: HistoryClaim): Check[] {
  if (!claim.stated || !claim.cut) return []
  const name = 'the layers shown come to the size the prose gives them'
  const bytes = claim.layers.reduce((sum, l) => sum + l.size.bytes, 0)
  const [lo, hi] = sizeInterval(claim.stated.size, 15)
  const sum = `${claim.layers.length} layers shown add up to ${dockerSize(bytes)}`
  return [
    bytes >= lo && bytes <= hi
      ? pass(name, `${sum}, within ${claim.stated.size.text} (line ${claim.stated.line})`)
      : fail(name, `${sum}, not ${claim.stated.size.text} (line ${claim.stated.line})`, {
          expected: claim.stated.size.text,
          measured: dockerSize(bytes),
        }),
  ]
}

/**
 * A history's own layers (those created with the image, newer than the base) plus the base
 * image's stated size must come to the image's stated size.
 */
function addUp(claim: HistoryClaim, ctx: CheckContext): Check[] {
  const name = 'layers add up to the size claimed for the image'
  const it = ctx.iterations.of(claim)
  const stated = it ? ctx.statedSizeAnywhere(it) : undefined
  if (!it || !stated) return [blocked(name, `no size is stated for ${claim.image ?? 'this image'}`)]
  const table = ctx.doc.tables.find((t) => t.line === claim.source.line)
  const newest = table?.rows[0]?.cells[1]
  const own = claim.layers.filter((l) => table?.rows.find((r) => r.line === l.line)?.cells[1] === newest)
  const ownBytes = own.reduce((sum, l) => sum + l.size.bytes, 0)
  const found = ctx.dockerfileOf(it)
  const baseImage = found ? finalStage(found.model)?.image : undefined
  const baseClaim = ctx.familyClaims.find(
    (c): c is typeof c & { size: Size } => c.kind === 'base-image-size' && c.baseImage === baseImage,
  )
  const image = stated.size
  if (ownBytes > image.bytes + image.rounding) {
    return [
      fail(
        name,
        `the image's own layers alone add up to ${dockerSize(ownBytes)}, more than the ${image.text} stated at line ${stated.line}`,
        { expected: image.text, measured: dockerSize(ownBytes) },
      ),
    ]
  }
  if (!baseClaim) {
    return [
      blocked(
        name,
        baseImage
          ? `no size is stated for the base image ${baseImage}, so the layers cannot be added up`
          : `${it.dockerfile} is not shown, so its base image and the layers below these are unknown`,
      ),
    ]
  }
  const tol = ctx.settings.size_tolerance_pct
  const total = ownBytes + baseClaim.size.bytes
  const diff = relativeDiffPct(total, image.bytes)
  const sum = `${own.length} layers of its own (${dockerSize(ownBytes)}) + ${baseImage} (${baseClaim.size.text}, line ${baseClaim.source.line}) = ${dockerSize(total)}`
  if (diff <= tol)
    return [pass(name, `${sum}, ${fmtPct(diff)} from the ${image.text} stated at line ${stated.line}`)]
  const unexplained =
    claim.truncated || own.length < claim.layers.length
      ? ''
      : '; the output shows no base layers and no `...`'
  return [
    fail(
      name,
      `${sum}, but line ${stated.line} says the image is ${image.text} (${fmtPct(diff)} apart, beyond ±${tol}%)${unexplained}`,
      { expected: image.text, measured: dockerSize(total) },
    ),
  ]
}
