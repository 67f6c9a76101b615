/** Rewriting one `## ` section of the README with a benchmark's measured results. */

/**
 * Replaces the section titled `heading` (up to the next `## ` heading outside code) with
 * `body`, or appends `body` when the README has no such section.
 */
export function replaceSection(readme: string, heading: string, body: string): string {
  const lines = readme.split('\n')
  let fenced = false
  let start = -1
  let end = lines.length
  for (const [i, line] of lines.entries()) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    if (fenced || !/^## /.test(line)) continue
    if (start === -1 && line.trim() === `## ${heading}`) start = i
    else if (start !== -1) {
      end = i
      break
    }
  }
  const text = body.trimEnd().split('\n')
  if (start === -1) return `${readme.trimEnd()}\n\n${text.join('\n')}\n`
  const after = lines.slice(end)
  return [...lines.slice(0, start), ...text, ...(after.length ? ['', ...after] : [''])].join('\n')
}
