import type { Document, Heading } from '../model/index.js'

/**
 * A heading that opens a section of the reader's own project: "Try With AI", exercises,
 * "Your turn", "On your own", a challenge, a reflection, or "Practice" as an exercise
 * ("Practice: …", "Hands-on practice"), but not "Best Practices" or "Good practice".
 */
export function isReaderSection(section: string): boolean {
  const lower = section.toLowerCase()
  if (!/\bai\b|turn|own|exercis|challeng|reflect|practice/.test(lower)) return false
  return (
    /try (?:it )?with ai|\byour turn\b|\byour own\b|\bexercises?\b|\bchallenges?\b|\breflect(?:ion)?\b/i.test(
      section,
    ) || /(?<!\b(?:best|good|common|recommended|security)\s)\bpractice\b(?!s)/i.test(section)
  )
}

/**
 * Headings with their heading path, the last line of their section, and whether the section is
 * the reader's own: a heading under a "## Try With AI" h2 is part of it, whatever it says.
 */
export function withSections(
  headings: Pick<Heading, 'line' | 'depth' | 'text'>[],
  lastLine: number,
): Heading[] {
  const out: Heading[] = []
  const stack: Heading[] = []
  for (const h of headings) {
    // A heading closes every open section of its level or deeper: they end on the line before it.
    while (stack.length > 0 && (stack.at(-1)?.depth ?? 0) >= h.depth) {
      const closed = stack.pop() as Heading
      closed.endLine = Math.max(closed.line, h.line - 1)
    }
    const parent = stack.at(-1)
    const heading: Heading = {
      ...h,
      path: [...(parent?.path ?? []), h.text],
      endLine: lastLine,
      reader: (parent?.reader ?? false) || isReaderSection(h.text),
    }
    stack.push(heading)
    out.push(heading)
  }
  return out
}

/** The heading a line stands under (the nearest above it), if any. Headings are in line order: found by halving. */
function headingAt(doc: Pick<Document, 'headings'>, line: number): Heading | undefined {
  const headings = doc.headings
  let lo = 0
  let hi = headings.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((headings[mid]?.line ?? 0) <= line) lo = mid + 1
    else hi = mid
  }
  return lo > 0 ? headings[lo - 1] : undefined
}

/** Text of the nearest heading above a line; `''` before the first heading. */
export function sectionAt(doc: Pick<Document, 'headings'>, line: number): string {
  return headingAt(doc, line)?.text ?? ''
}

/** The heading path of a line: every heading it stands under, outermost first. */
export function headingPathAt(doc: Pick<Document, 'headings'>, line: number): string[] {
  return headingAt(doc, line)?.path ?? []
}

/** The line is in a section of the reader's own project, decided by the whole enclosing section. */
export function inReaderSection(doc: Pick<Document, 'headings'>, line: number): boolean {
  return headingAt(doc, line)?.reader ?? false
}
