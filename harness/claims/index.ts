/** Stage 2: document → claims. Every registered kind reads the document; claims come out in line order. */
import { type Claim, KINDS } from '../kinds/index.js'
import { Extraction } from '../kinds/kit/index.js'
import type { Document } from '../model/index.js'

/**
 * Every claim a document makes. A summary card or export has no iterations of its own: its
 * claims speak of its lesson's (`lesson`).
 */
export function extractClaims(doc: Document, lesson?: Document): Claim[] {
  const iterations = doc.iterations.length > 0 ? doc.iterations : (lesson?.iterations ?? [])
  const x = new Extraction(doc, iterations)
  const reads = doc.role === 'transcript' ? 'exports' : 'documents'
  for (const kind of KINDS) {
    if ((kind.reads ?? 'documents') !== reads) continue
    kind.extract(x, (draft) => x.emit(kind.id, draft as never))
  }
  return x.finish() as Claim[]
}
