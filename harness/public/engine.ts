/**
 * `lessonproof/engine`: build, run and measure a lesson's iterations with a Docker engine.
 *
 * testcontainers reads its settings from the environment; call `configureTestcontainers(process.env)`
 * once at your entry point (the `lessonproof` command does) before opening a session.
 */

export { RecordedImage, Recording } from '../engine/fake-engine.js'
export { DockerEngine, type Engine, FakeEngine, Janitor } from '../engine/index.js'
export { configureTestcontainers } from '../engine/settings.js'
export { type MeasureDeps, measureRun, ResultCache } from '../measure/index.js'
export { type EngineSession, openEngineSession, type RunLimits } from '../measure/session.js'
export { type IterationPlan, planRun, type RunPlan } from '../plan/index.js'
export { EngineOptions, RUN_LABEL } from '../settings/index.js'
