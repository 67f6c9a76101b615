/**
 * Drift: where the base images of a baseline point now, and the report of what that changed.
 * The engine is reached only through what the caller passes in: a dockerode-like client for the
 * engine resolver and pulls, and an engine run for rebuilds.
 */
export { iterationsOfClaim, withCompared } from './affected.js'

export {
  BASELINE_FILE,
  BASELINE_VERSION,
  Baseline,
  BaselineBaseImage,
  BaselineClaim,
  BaselineDocument,
  BaselineEnvironment,
  BaselineHealth,
  BaselineIteration,
  BaselineLayer,
  formatBaseline,
  parseBaseline,
  readBaseline,
  writeBaseline,
} from './baseline.js'
export {
  createEngineResolver,
  type DistributionClient,
  type DistributionInfo,
  type EngineResolverOptions,
} from './distribution.js'
export {
  BaselineInvalidError,
  BaselineMissingError,
  BaselineVersionError,
  DriftError,
  type DriftErrorCode,
  ImageReferenceError,
  PlatformNotFoundError,
  RegistryError,
  RegistryUnreachableError,
  TagNotFoundError,
  UnauthorizedError,
} from './errors.js'
export { REPORT_FILES, writeDriftReport } from './files.js'
export { renderHtml } from './html.js'
export { type BaseShape, baseShare, type Layer, layerChanges } from './layers.js'
export { headline, type MarkdownOptions, renderMarkdown } from './markdown.js'
export {
  formatPlatform,
  hostPlatform,
  normalisePlatform,
  Platform,
  parsePlatform,
  platformMatches,
} from './platform.js'
export { type PullClient, pullImage } from './pull.js'
export { type BaselineInput, baselineOf, digestFor, type EngineInfo, type MeasuredPlan } from './record.js'
export {
  DOCKER_HUB,
  familiarReference,
  formatReference,
  ImageReference,
  isLoopbackRegistry,
  parseReference,
  registryApiBase,
  repositoryName,
  withDefaultTag,
} from './reference.js'
export { createRegistryResolver, MEDIA_TYPES, type RegistryResolverOptions } from './registry.js'
export {
  ClaimChange,
  changePct,
  DRIFT_REPORT_VERSION,
  DriftOutcome,
  DriftReport,
  formatChange,
  ImageDrift,
  IterationDrift,
  LayerChange,
  LessonDrift,
  shortDigest,
} from './report.js'
export {
  type Clock,
  type Credentials,
  type DigestResolver,
  PinnedResolution,
  PlatformManifest,
  pinMoved,
  Resolution,
  type ResolveOptions,
  systemClock,
  TagResolution,
} from './resolver.js'
export {
  DRIFT_EXIT,
  type DriftDeps,
  type DriftEngine,
  type DriftExitCode,
  type DriftOptions,
  type DriftResult,
  type PulledImage,
  runDrift,
} from './run.js'
export { type SuggestInput, type Suggestion, suggestEdits } from './suggest.js'
