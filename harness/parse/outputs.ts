/**
 * Prose that says the next block is what a command printed: "Output:", "**Output (abbreviated):**",
 * "Expected output (after installation completes):", "You should see:", "which outputs:", "the
 * result looks like:", "Doing so will produce output like the following:", "You'll get output
 * similar to the following:".
 */
const LABEL =
  /^(?:(?:expected|sample|example|typical|actual|console|terminal|command)\s+)?(?:output|result|response)\b\s*(?:\([^)]*\))?\s*:?\s*(?:\([^)]*\))?\s*$/i
const SENTENCE =
  /(?:\byou(?:'ll|\s+will|\s+should|\s+would|\s+may|\s+might|\s+can)?\s+(?:then\s+|now\s+)?(?:see|get|receive|notice)\b|\b(?:produces?|prints?|outputs?|returns?|displays?|shows?|yields?|responds?)\b|\b(?:output|result|response)\b[^.]*\b(?:is|looks?|resembles|should\s+be|will\s+be)\b|\bsimilar\s+to\s+the\s+following\b|\blike\s+the\s+following\b|\blooks?\s+(?:something\s+)?like\b)[^.]*[:.]?\s*$/i

/** Words that make a "…the following:" sentence about a file or a command, not an output. */
const NOT_OUTPUT =
  /\b(?:create|save|paste|write|add|run|execute|type|enter|dockerfile|file named|contents?)\b/i

export function isOutputLead(lead: string): boolean {
  const text = lead.trim()
  if (text === '') return false
  if (LABEL.test(text)) return true
  const last = text.split(/(?<=[.!?])\s+(?=\S)/).at(-1) ?? text
  if (!SENTENCE.test(last)) return false
  return (
    /\b(?:output|result|response|see|get|prints?|returns?|displays?|shows?)\b/i.test(last) &&
    !NOT_OUTPUT.test(last)
  )
}

/** An output as JSON (`docker image inspect`, a `curl` response), when it is JSON. */
export function outputJson(text: string): unknown {
  const t = text.trim()
  if (!/^[[{]/.test(t)) return undefined
  try {
    return JSON.parse(t)
  } catch {
    return undefined
  }
}
