/** Stage 2: parsed lesson → claims, each typed, with its source line and the iteration it speaks of. */
import type { Claim, Document } from '../model/index.js'
import { codeClaims } from './code.js'
import { Extraction } from './context.js'
import { outputClaims } from './outputs.js'
import { proseClaims } from './prose.js'
import { tableClaims } from './tables.js'
import { transcriptClaims } from './transcript.js'

export { isDockerfile, pythonLiteral } from './code.js'
export { matchIteration, normName, versionKey } from './iterations.js'
export * from './size.js'

/**
 * Every claim a document makes. A summary card or export has no iterations of its own:
 * its claims speak of its lesson's (`lesson`).
 */
export function extractClaims(doc: Document, lesson?: Document): Claim[] {
  const iterations = doc.iterations.length > 0 ? doc.iterations : (lesson?.iterations ?? [])
  const x = new Extraction(doc, iterations)
  if (doc.role === 'transcript') {
    transcriptClaims(x)
    return x.claims
  }
  outputClaims(x)
  tableClaims(x)
  proseClaims(x)
  codeClaims(x)
  return x.claims.sort((a, b) => a.source.line - b.source.line)
}
