/**
 * JSON bodies (a `curl` of an API) compared by value: key order and whitespace are the
 * printer's, not the app's. Strings are compared as lines are (volatile parts normalised,
 * sizes within tolerance); a claimed string "..." stands for any value.
 */

import { isElision } from './align.js'
import { type NormalisedLine, normaliseLine, sizeChange, sizeHolds } from './normalise.js'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** The value of a text that is one JSON object or array, or `undefined`. */
export function readJson(text: string): Json | undefined {
  const trimmed = text.trim()
  if (!/^[[{]/.test(trimmed)) return undefined
  try {
    return JSON.parse(trimmed) as Json
  } catch {
    return undefined
  }
}

export interface JsonCompareSettings {
  sizeTolerancePct: number
  volatile: readonly RegExp[]
}

function describe(value: Json | undefined): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 59)}…` : text
}

function stringsHold(claimed: string, actual: string, settings: JsonCompareSettings): string | undefined {
  if (claimed === actual || isElision(claimed)) return undefined
  const c: NormalisedLine = normaliseLine(claimed, settings.volatile)
  const a: NormalisedLine = normaliseLine(actual, settings.volatile)
  if (c.skeleton !== a.skeleton || c.sizes.length !== a.sizes.length) return 'differs'
  for (const [k, size] of c.sizes.entries()) {
    const measured = a.sizes[k]
    if (measured && !sizeHolds(size, measured, settings.sizeTolerancePct)) {
      return `size ${size.text} is ${measured.text} (${sizeChange(size, measured)}, beyond ±${settings.sizeTolerancePct}%)`
    }
  }
  return undefined
}

/**
 * Where two values differ, as `path: claimed vs actual` lines (`$.items[2].status: "ok" vs
 * "down"`); empty when the claimed value holds.
 */
export function jsonDifferences(
  claimed: Json,
  actual: Json | undefined,
  settings: JsonCompareSettings,
  path = '$',
): string[] {
  if (actual === undefined) return [`${path}: ${describe(claimed)} is missing`]
  if (typeof claimed === 'string' && typeof actual === 'string') {
    const why = stringsHold(claimed, actual, settings)
    return why === undefined
      ? []
      : [`${path}: ${describe(claimed)} vs ${describe(actual)}${why === 'differs' ? '' : ` (${why})`}`]
  }
  if (typeof claimed === 'string' && isElision(claimed)) return []
  if (Array.isArray(claimed)) {
    if (!Array.isArray(actual)) return [`${path}: an array vs ${describe(actual)}`]
    const out: string[] = []
    const length = Math.max(claimed.length, actual.length)
    for (let k = 0; k < length; k++) {
      const item = claimed[k]
      if (item === undefined) out.push(`${path}[${k}]: unexpected ${describe(actual[k])}`)
      else out.push(...jsonDifferences(item, actual[k], settings, `${path}[${k}]`))
    }
    return out
  }
  if (claimed !== null && typeof claimed === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${path}: an object vs ${describe(actual)}`]
    }
    const out: string[] = []
    for (const [key, value] of Object.entries(claimed)) {
      out.push(...jsonDifferences(value, actual[key], settings, `${path}.${key}`))
    }
    for (const key of Object.keys(actual)) {
      if (!(key in claimed)) out.push(`${path}.${key}: unexpected ${describe(actual[key])}`)
    }
    return out
  }
  return Object.is(claimed, actual) ? [] : [`${path}: ${describe(claimed)} vs ${describe(actual)}`]
}

/** How a claimed JSON text is printed, so a replacement reads like the author's. */
export interface JsonStyle {
  /** Indentation of pretty-printed JSON; 0 for one line. */
  indent: number | string
  /** One-line JSON with spaces after `:` and `,` (Python's json.dumps), or none (JSON.stringify). */
  spaced: boolean
}

export function jsonStyle(text: string): JsonStyle {
  const lines = text.trim().split('\n')
  if (lines.length > 1) {
    const indent = /^(\s+)\S/.exec(lines[1] ?? '')?.[1] ?? '  '
    return { indent: indent.includes('\t') ? '\t' : indent.length, spaced: true }
  }
  return { indent: 0, spaced: /[:,] \S/.test(text) }
}

/** Keys in the order of `template` first (the author's), then the rest in the value's order. */
function ordered(value: Json, template: Json | undefined): Json {
  if (Array.isArray(value)) {
    return value.map((v, k) => ordered(v, Array.isArray(template) ? template[k] : undefined))
  }
  if (value === null || typeof value !== 'object') return value
  const shape = template !== null && typeof template === 'object' && !Array.isArray(template) ? template : {}
  const out: { [key: string]: Json } = {}
  for (const key of Object.keys(shape)) if (key in value) out[key] = ordered(value[key] as Json, shape[key])
  for (const [key, v] of Object.entries(value)) if (!(key in out)) out[key] = ordered(v, undefined)
  return out
}

/** A JSON value printed in the style, and with the key order, of a claimed text. */
export function formatJsonLike(value: Json, claimedText: string): string {
  const style = jsonStyle(claimedText)
  const sorted = ordered(value, readJson(claimedText))
  if (style.indent !== 0) return JSON.stringify(sorted, null, style.indent)
  const compact = JSON.stringify(sorted)
  if (!style.spaced) return compact
  // Spaces after separators outside strings, as Python's json.dumps prints them.
  return compact.replace(
    /("(?:[^"\\]|\\.)*")|([:,])/g,
    (_all, str: string | undefined, sep: string) => str ?? `${sep} `,
  )
}

/**
 * The actual value with every part that holds written as claimed (a normalised timestamp, a
 * size within tolerance, a "..." elision), so a replacement changes only what no longer holds.
 */
export function mergeHeld(claimed: Json | undefined, actual: Json, settings: JsonCompareSettings): Json {
  if (claimed === undefined) return actual
  if (jsonDifferences(claimed, actual, settings).length === 0) return claimed
  if (Array.isArray(actual)) {
    return actual.map((item, k) => mergeHeld(Array.isArray(claimed) ? claimed[k] : undefined, item, settings))
  }
  if (actual !== null && typeof actual === 'object') {
    const shape = claimed !== null && typeof claimed === 'object' && !Array.isArray(claimed) ? claimed : {}
    const out: { [key: string]: Json } = {}
    for (const [key, value] of Object.entries(actual)) out[key] = mergeHeld(shape[key], value, settings)
    return out
  }
  return actual
}
