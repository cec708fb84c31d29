export {
  featureNames,
  floatFeatures,
  isMissingGreater,
  ModelError,
  parseCatBoostModel,
  scaleAndBias,
  serializeCatBoostModel,
} from './catboost-model.js'
export type {
  CatBoostFloatFeature,
  CatBoostModel,
  CatBoostSplit,
  CatBoostTree,
  ModelIssue,
  NanValueTreatment,
} from './catboost-model.js'
export { compileCatBoost, evaluateCatBoost, evaluateCatBoostVector, pairwiseSum } from './catboost-evaluator.js'
export type { CompiledCatBoost, EvaluateOptions, FeatureValue } from './catboost-evaluator.js'
export { float32GreaterThreshold, renderCatBoostExpression, renderDouble, renderPreparedInput } from './catboost-sql.js'
export type { RenderCatBoostOptions } from './catboost-sql.js'
