/**
 * Prose that says the next block is what a command printed: "Output:", "**Output (abbreviated):**",
 * "Expected output (after installation completes):", "You should see:", "which outputs:", "the
 * result looks like:", "Doing so will produce output like the following:", "You'll get output
 * similar to the following:".
 */
const LABEL =
  /^(?:(?:expected|sample|example|typical|actual|console|terminal|command)\s+)?(?:output|result|response)\b\s*(?:\([^)]*\))?\s*:?\s*(?:\([^)]*\))?\s*$/i
const SENTENCE =
  /(?:\byou(?:'ll|\s+will|\s+should|\s+would|\s+may|\s+might|\s+can)?\s+(?:then\s+|now\s+)?(?:see|get|receive|notice)\b|\b(?:produces|prints|outputs|returns|displays|shows|yields|gives|responds)\b|\b(?:output|result|response)\b[^.]*\b(?:is|looks?|resembles|should\s+be|will\s+be)\b|\bsimilar\s+to\s+the\s+following\b|\blike\s+the\s+following\b|\blooks?\s+(?:something\s+)?like\b)[^.]*[:.]?\s*$/i

/** Words that make a "…the following:" sentence about a file, not an output. */
const FILE_WORDS = /\b(?:create|save|paste|write|add|dockerfile|file named|contents?)\b/i
/** Words that make it about a command to run, unless it names the output or what you will see. */
const COMMAND_WORDS = /\b(?:run|execute|type|enter)\b/i
const SEEN =
  /\b(?:output|result|response)\b|\byou(?:'ll|\s+will|\s+should)?\s+(?:then\s+|now\s+)?(?:see|get)\b/i

export function isOutputLead(lead: string): boolean {
  // Leads arrive as plain text; markup is dropped here too, for callers that pass Markdown.
  const text = lead.replace(/[*_]{1,2}/g, '').trim()
  if (text === '') return false
  if (LABEL.test(text)) return true
  const last = text.split(/(?<=[.!?])\s+(?=\S)/).at(-1) ?? text
  if (!SENTENCE.test(last) || FILE_WORDS.test(last)) return false
  if (SEEN.test(last)) return true
  return (
    /\b(?:prints|returns|displays|shows|gives|yields|outputs|produces)\b/i.test(last) &&
    !COMMAND_WORDS.test(last)
  )
}

/** An output as JSON (`docker image inspect`, a `curl` response), when it is JSON. */
export function outputJson(text: string): unknown {
  const t = text.trim()
  // Only what can be JSON is parsed: a BuildKit log's "[+] Building" is not tried (and thrown on).
  if (!/^(?:\{\s*(?:"|\}$)|\[\s*(?:[{["\d\]-]|true|false|null|$))/.test(t) || !/[}\]]$/.test(t))
    return undefined
  try {
    return JSON.parse(t)
  } catch {
    return undefined
  }
}
