/**
 * Build logs: BuildKit's plain and terminal output and the classic builder's, read into one model;
 * a claimed log held against a real one; and BuildKit's step-numbering rule for a Dockerfile.
 * Pure: nothing here needs an engine.
 */
export { type CompareOptions, compareBuildLogs } from './compare.js'
export { type DiffLabels, unifiedDiff } from './diff.js'
export {
  BuilderKind,
  BuildFailure,
  BuildLog,
  BuildStep,
  Comparison,
  Difference,
  DifferenceKind,
  LogShape,
  OtherVertex,
  Progress,
  StepStatus,
  stepLabel,
} from './model.js'
export { BuildLogError, detectShape, parseBuildLog } from './parse.js'
export {
  type BuildkitOptions,
  type BuildkitPlan,
  type BuildkitStage,
  type BuildkitStep,
  buildkitSteps,
  expectedVertices,
  normalizeImage,
  stagesBuilt,
} from './steps.js'
