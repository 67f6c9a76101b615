/**
 * Where an iteration's size change comes from: its base image's layers, or its own. An image's
 * history ends with its final stage's base image's history, so the base's share is the bottom
 * `n` layers, where `n` is the base's own history length and their sizes add up to its size.
 */
import type { LayerChange } from './report.js'

export interface Layer {
  createdBy: string
  size: number
}

/** A base image as far as this needs it: its size and how many history entries it has. */
export interface BaseShape {
  size: number
  layers: number
}

/**
 * How many of the bottom layers (and bytes) are the base's: the first base whose history fits the
 * bottom of this one. None fits for `FROM scratch`, or when the final stage's base is not known.
 */
export function baseShare(
  layers: readonly Layer[],
  bases: readonly BaseShape[],
): { count: number; bytes: number } {
  for (const base of bases) {
    if (base.layers === 0 || base.layers > layers.length) continue
    const bottom = layers.slice(layers.length - base.layers)
    const bytes = bottom.reduce((sum, l) => sum + l.size, 0)
    if (bytes === base.size) return { count: base.layers, bytes }
  }
  return { count: 0, bytes: 0 }
}

/**
 * The layers (by the instruction that made them) that were added, grew, shrank or went away.
 * Layers are matched in order of their instruction: the same instruction twice is two layers.
 */
export function layerChanges(
  before: readonly Layer[],
  after: readonly Layer[],
  baseCount: { before: number; after: number },
): LayerChange[] {
  const fromBase = (list: readonly Layer[], index: number, count: number) => index >= list.length - count
  const unmatched = before.map((layer, index) => ({ layer, index, used: false }))
  const changes: LayerChange[] = []
  after.forEach((layer, index) => {
    const match = unmatched.find((b) => !b.used && b.layer.createdBy === layer.createdBy)
    const base = fromBase(after, index, baseCount.after)
    if (!match) {
      if (layer.size > 0)
        changes.push({ createdBy: layer.createdBy, change: 'added', after: layer.size, fromBase: base })
      return
    }
    match.used = true
    if (layer.size === match.layer.size) return
    changes.push({
      createdBy: layer.createdBy,
      change: layer.size > match.layer.size ? 'grown' : 'shrunk',
      before: match.layer.size,
      after: layer.size,
      fromBase: base,
    })
  })
  for (const b of unmatched) {
    if (b.used || b.layer.size === 0) continue
    changes.push({
      createdBy: b.layer.createdBy,
      change: 'removed',
      before: b.layer.size,
      fromBase: fromBase(before, b.index, baseCount.before),
    })
  }
  return changes
}
