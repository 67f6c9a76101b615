/**
 * One test per claim of the course's lessons, named `<lesson path>:<line> <claim>`, through the
 * library's vitest entry, as a course repo would use it. Claims found false are in the reviewed
 * ledger; every claim id and verdict is pinned in specs/lessons.claims.json, so a claim that
 * extraction silently drops fails. LESSONPROOF_UPDATE_PINNED=1 rewrites that file, for review.
 */
import { lessonTests } from '../harness/public/vitest.js'

await lessonTests({
  paths: ['lessons'],
  pinned: 'specs/lessons.claims.json',
  updatePinned: process.env.LESSONPROOF_UPDATE_PINNED === '1',
})
