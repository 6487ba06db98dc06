export {
  SAFETENSORS_DTYPES,
  UNSUPPORTED_SAFETENSORS_DTYPES,
  DTYPE_BYTES,
  isSafetensorsDType,
  type SafetensorsDType,
  type SafetensorsData,
} from './dtypes.js';
export {
  float32ToFloat16Bits,
  float16BitsToFloat32,
  float32ToFloat16,
  float16ToFloat32,
  float32ToBfloat16Bits,
  bfloat16BitsToFloat32,
  float32ToBfloat16,
  bfloat16ToFloat32,
} from './float16.js';
export {
  serializeSafetensors,
  parseSafetensors,
  MAX_HEADER_LENGTH,
  type SafetensorsEntry,
  type SafetensorsTensor,
  type SafetensorsEntries,
  type ParsedSafetensors,
  type ParseSafetensorsOptions,
} from './safetensors.js';
export {
  entryToTensor,
  entriesToTensors,
  tensorToEntry,
  tensorsToEntries,
  tensorsToSafetensors,
  type TensorsToSafetensorsOptions,
} from './tensors.js';
export {
  checkWeights,
  type ExpectedTensor,
  type WeightSpec,
  type TensorMismatch,
  type CheckWeightsOptions,
} from './weight-spec.js';
export { readBytes, readText, writeBytes, joinLocation, type ByteSource } from './files.js';
export {
  CHECKPOINT_WEIGHTS_FILE,
  CHECKPOINT_CONFIG_FILE,
  loadSafetensors,
  saveSafetensors,
  encodeCheckpoint,
  saveCheckpoint,
  loadCheckpoint,
  type LoadSafetensorsOptions,
  type CheckpointData,
  type CheckpointSource,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
} from './checkpoint.js';
