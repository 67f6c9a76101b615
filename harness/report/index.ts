/** Stage 6: verdicts → reports: text for people, JSON and JUnit for machines, GitHub annotations and summary. */
export { Report, ReportClaim, ReportLesson } from '../model/report.js'
export {
  type AnnotationOptions,
  annotations,
  appendSummary,
  escapeData,
  escapeProperty,
  type SummaryOptions,
  summaryMarkdown,
} from './github.js'
export { junitReport, ledgerEntryPlace } from './junit.js'
export { mergeReports, sortReport } from './merge.js'
export { createProgress, type Progress, type ProgressEvent, type ProgressOptions } from './progress.js'
export { formatText, textReport } from './text.js'
