/** Stage 6: verdicts → reports (JSON for machines, text for people). */
export { exitCodeOf, toReport, unverified } from './json.js'
export type { VerifiedClaim, VerifiedDocument, VerifyResult } from './results.js'
export { formatText } from './text.js'
