/** Stage 6: verdicts → reports: JSON and JUnit for machines, text for people, GitHub annotations and job summary. */
export {
  type AnnotationOptions,
  annotations,
  appendSummary,
  escapeData,
  escapeProperty,
  type SummaryOptions,
  summaryMarkdown,
} from './github.js'
export { exitCodeOf, toReport, unverified } from './json.js'
export { junitReport } from './junit.js'
export { mergeReports, sortReport } from './merge.js'
export { createProgress, type Progress, type ProgressEvent, type ProgressOptions } from './progress.js'
export type { VerifiedClaim, VerifiedDocument, VerifyResult } from './results.js'
export { formatText } from './text.js'
