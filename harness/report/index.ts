/** Stage 6: verdicts → reports (JSON for machines, text for people). */
export { Report, ReportClaim, ReportLesson } from '../model/report.js'
export { formatText } from './text.js'
