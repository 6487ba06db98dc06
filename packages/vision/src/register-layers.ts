/**
 * @mobile-mm/vision/register-layers: registers vision's layer classes
 * (PatchStem, TokenClassHead) with tfjs's serialization map as
 * `MobileMM>ClassName`, and core's through @mobile-mm/core/register-layers.
 *
 * Side effect on import (listed in `sideEffects`); the layer modules register
 * nothing themselves. Only getConfig() → fromConfig() round trips by class
 * name need it; this project's checkpoints (safetensors) do not.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SERIALIZATION_PACKAGE } from '@mobile-mm/core';
import { registerCoreLayers } from '@mobile-mm/core/register-layers';
import { PatchStem } from './model/patch-stem.js';
import { TokenClassHead } from './model/token-class-head.js';

export const VISION_LAYER_CLASSES = [PatchStem, TokenClassHead] as const;

/** Registers core's and vision's layer classes. Idempotent. */
export function registerVisionLayers(): void {
  registerCoreLayers();
  for (const cls of VISION_LAYER_CLASSES) tf.serialization.registerClass(cls, SERIALIZATION_PACKAGE);
}

registerVisionLayers();
