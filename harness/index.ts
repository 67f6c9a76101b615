/**
 * lessonproof as a library: the model (zod schemas, the JSON report's among them), the stages,
 * and `verify`, which runs them for a set of paths.
 */

export {
  checkClaim,
  DEFAULT_TOLERANCES,
  type Measurements,
  staticMeasurements,
  type Tolerances,
} from './checks/index.js'
export { extractClaims } from './claims/index.js'
export { DocumentError, LedgerError, UsageError } from './errors.js'
export { DEFAULT_LEDGER, Ledger, LedgerEntry, loadLedger } from './ledger/index.js'
export { type EngineSession, openEngineSession } from './measure/session.js'
export * from './model/index.js'
export { loadDocument, parseDocument } from './parse/index.js'
export { EngineSettings } from './plan/index.js'
export { formatText } from './report/index.js'
export { type VerifyOptions, type VerifyResult, verify } from './verify/index.js'
