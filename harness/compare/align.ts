/**
 * Aligns a claimed output with an actual one, line by line (or row by row), where a claimed
 * elision line (`...`) stands for any number of actual lines, as in cram and Scrut. The
 * alignment is the cheapest in edits; among equals, the one whose elisions swallow the fewest
 * lines, so a changed line next to an elision shows as changed rather than hidden.
 */

export type AlignOp =
  /** The claimed unit holds for the actual one (after normalising). */
  | { kind: 'match'; claimed: number; actual: number }
  /** Paired but different: the claimed unit says one thing, the run showed another. */
  | { kind: 'change'; claimed: number; actual: number }
  /** A claimed unit the run did not show. */
  | { kind: 'missing'; claimed: number }
  /** An actual unit the claim does not show. */
  | { kind: 'unexpected'; actual: number }
  /** An elision and the actual units (indices) it stands for, possibly none. */
  | { kind: 'elide'; claimed: number; actual: number[] }

/** An elision line: `...`, `…` or `[...]`, alone on its line. */
export function isElision(line: string): boolean {
  return /^\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\])\s*$/.test(line)
}

/**
 * The cheapest alignment. `equal(i, j)` says whether claimed unit i holds for actual unit j;
 * `elision(i)` whether claimed unit i is an elision.
 */
export function align(
  claimedCount: number,
  actualCount: number,
  elision: (i: number) => boolean,
  equal: (i: number, j: number) => boolean,
): AlignOp[] {
  const n = claimedCount
  const m = actualCount
  // Edits first, lines swallowed by elisions second: a missing or unexpected unit costs 2
  // units of `m + 1`, a changed one 3, so two lines that merely moved are not read as changes.
  const EDIT = 2 * (m + 1)
  const CHANGE = 3 * (m + 1)
  const width = m + 1
  const cost = new Float64Array((n + 1) * width)
  const at = (i: number, j: number) => cost[i * width + j] as number
  for (let j = m; j >= 0; j--) cost[n * width + j] = (m - j) * EDIT
  for (let i = n - 1; i >= 0; i--) {
    const elides = elision(i)
    for (let j = m; j >= 0; j--) {
      let best: number
      if (elides) {
        best = at(i + 1, j)
        if (j < m) best = Math.min(best, 1 + at(i, j + 1))
      } else {
        best = EDIT + at(i + 1, j)
        if (j < m) {
          best = Math.min(best, EDIT + at(i, j + 1), (equal(i, j) ? 0 : CHANGE) + at(i + 1, j + 1))
        }
      }
      cost[i * width + j] = best
    }
  }

  const ops: AlignOp[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i === n) {
      ops.push({ kind: 'unexpected', actual: j++ })
      continue
    }
    const here = at(i, j)
    if (elision(i)) {
      const swallowed: number[] = []
      while (j < m && here - swallowed.length !== at(i + 1, j)) swallowed.push(j++)
      ops.push({ kind: 'elide', claimed: i++, actual: swallowed })
      continue
    }
    if (j < m) {
      const same = equal(i, j)
      if (here === (same ? 0 : CHANGE) + at(i + 1, j + 1)) {
        ops.push({ kind: same ? 'match' : 'change', claimed: i++, actual: j++ })
        continue
      }
      if (here === EDIT + at(i, j + 1)) {
        ops.push({ kind: 'unexpected', actual: j++ })
        continue
      }
    }
    ops.push({ kind: 'missing', claimed: i++ })
  }
  return showChangesBesideElisions(ops)
}

/**
 * A claimed unit missing next to an elision that swallowed the unit beside it is that unit
 * changed: the elision stands for the lines between the author's anchors, not for the anchor.
 */
function showChangesBesideElisions(ops: AlignOp[]): AlignOp[] {
  const out = [...ops]
  for (let k = 0; k < out.length; k++) {
    const op = out[k]
    if (op?.kind !== 'elide' || op.actual.length === 0) continue
    const before = out[k - 1]
    const after = out[k + 1]
    if (before?.kind === 'missing') {
      const [first, ...rest] = op.actual
      out[k - 1] = { kind: 'change', claimed: before.claimed, actual: first as number }
      out[k] = { ...op, actual: rest }
    }
    const now = out[k] as AlignOp & { kind: 'elide' }
    if (after?.kind === 'missing' && now.actual.length > 0) {
      out[k + 1] = { kind: 'change', claimed: after.claimed, actual: now.actual.at(-1) as number }
      out[k] = { ...now, actual: now.actual.slice(0, -1) }
    }
  }
  return out
}
