/**
 * The one patcher of lessons: edits (a span on a line, a block of lines) as a unified diff for
 * `git apply`, numbers written in the format of the place they go, and claimed outputs
 * rewritten to a run's while keeping the author's elisions. Pure: no engine, no file writes.
 */

export { applyEdits, BlockEdit, Edit, makePatch, makePatchSet, PatchError, SpanEdit } from './edits.js'
export {
  dockerSize,
  FormatError,
  formatNumberLike,
  formatPercentLike,
  formatReductionLike,
  formatSizeLike,
  goFormatG,
  reductionPct,
} from './format.js'
export { outputEdit, replaceOutput } from './output.js'
