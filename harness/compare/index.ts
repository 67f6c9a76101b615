/**
 * Claimed outputs held against a run's: normalised, elided, sizes within tolerance, JSON by
 * value, tables by column. Pure: no engine, no file system.
 */

export { type AlignOp, align, isElision } from './align.js'
export {
  alignOutput,
  CompareOptions,
  compareOutput,
  isVolatileColumn,
  lineDiffers,
  type OutputAlignment,
  OutputComparison,
  OutputDifference,
  PULL_PROGRESS,
} from './compare.js'
export { formatJsonLike, type Json, jsonDifferences, jsonStyle, mergeHeld, readJson } from './json.js'
export {
  type Measurement,
  mapRun,
  type NormalisedLine,
  normaliseLine,
  type RunMapping,
  readSize,
  sizeHolds,
} from './normalise.js'
export { readHeader, readRow, readTable, renderTable, type Table, type TableRow } from './table.js'
