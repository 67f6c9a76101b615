/** Which documents a run verifies: only what changed (`--changed`), one shard of a matrix (`--shard`). */
export {
  type Changed,
  type ChangedOptions,
  changedDocuments,
  defaultBase,
  type Git,
  gitIn,
} from './changed.js'
export {
  byCodeUnits,
  countIterations,
  familyOf,
  familyOnDisk,
  groupFamilies,
  type WeighedFamily,
  weighFamilies,
} from './families.js'
export { parseShard, planShards, type Shard } from './shard.js'
