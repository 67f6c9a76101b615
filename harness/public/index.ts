/**
 * `lessonproof`: read lessons, extract their claims, check what needs no engine, and report.
 * Nothing here talks to Docker; `lessonproof/engine` does.
 */
export { CheckContext, checkClaim, type Family } from '../checks/index.js'
export { extractClaims } from '../claims/index.js'
export { DocumentError, LedgerError, UsageError } from '../errors.js'
export { Claim, type ClaimKind, KINDS, kindOf } from '../kinds/index.js'
export { applyLedger, DEFAULT_LEDGER, Ledger, LedgerEntry, loadLedger } from '../ledger/index.js'
export {
  AnyClaim,
  Check,
  Document,
  dockerSize,
  IterationFacts,
  parsePercent,
  parseSize,
  Report,
  ReportClaim,
  ReportDocument,
  RunFacts,
  Size,
  Status,
  Verdict,
} from '../model/index.js'
export { documentRole, loadDocument, parseDocument } from '../parse/index.js'
export {
  annotations,
  formatText,
  junitReport,
  mergeReports,
  summaryMarkdown,
  toReport,
  type VerifiedClaim,
  type VerifiedDocument,
  type VerifyResult,
} from '../report/index.js'
export {
  DEFAULT_SETTINGS,
  EngineOptions,
  LessonSettings,
  resolveSettings,
  SETTINGS,
  type SettingName,
  type Settings,
} from '../settings/index.js'
export { type EngineRun, type VerifyOptions, verify } from '../verify/index.js'
