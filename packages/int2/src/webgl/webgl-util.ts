/**
 * Shared by the webgl kernels: which layout the backend's textures can hold,
 * and the attribute/shape checks every kernel runs before touching the GPU.
 *
 * Texture precision is read from the flag the texture manager itself reads
 * for every render texture, WEBGL_RENDER_FLOAT32_ENABLED, not from
 * `backend.floatPrecision()`: in tfjs 4.22 that method answers 16 whenever
 * float32 rendering is on (tfjs issue #6980), and 32 on forced half-float
 * textures (its underflow probe is a scalar op, which runs on the CPU).
 * Measured in Chromium/SwiftShader: fp32 textures → floatPrecision() = 16;
 * WEBGL_FORCE_F16_TEXTURES + WEBGL_RENDER_FLOAT32_ENABLED=false → 32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import type { PackedLayout, QuantAttrs } from '../kernel-names.js';
import { checkQuantFormat } from '../gpu-checks.js';

export { checkTensorDtype, checkTensorShape } from '../gpu-checks.js';

/** True when the webgl backend renders into float32 textures (false: float16). */
export function webglTexturesAreFloat32(): boolean {
  return tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
}

/**
 * The densest codes layout the current webgl textures hold exactly:
 * 'webgl-fp32' (integers < 2^24) on float32 textures, else 'webgl-f16' (< 2^11).
 */
export function webglLayout(): PackedLayout {
  return webglTexturesAreFloat32() ? 'webgl-fp32' : 'webgl-f16';
}

/** Throws unless `attrs` describe a format these kernels read on the current textures. */
export function checkWebglAttrs(kernel: string, attrs: QuantAttrs): void {
  const { layout } = attrs;
  checkQuantFormat(kernel, attrs);
  if (layout !== 'webgl-fp32' && layout !== 'webgl-f16') {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${kernel}: the webgl kernels read layout 'webgl-fp32' or 'webgl-f16'; got '${String(layout)}'. ` +
        `Convert the weight first (QuantizedTensor.toLayout).`,
      { layout }
    );
  }
  if (layout === 'webgl-fp32' && !webglTexturesAreFloat32()) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${kernel}: layout 'webgl-fp32' needs float32 textures, but this webgl backend renders to float16 ` +
        `(integers above 2^11 would be rounded); use layout 'webgl-f16'.`,
      { layout }
    );
  }
}

/** Throws unless the shader language has the integer bit operations the exact pack/unpack shaders use. */
export function requireWebgl2(kernel: string): void {
  const version = tf.env().getNumber('WEBGL_VERSION');
  if (version !== 2) {
    throw new MobileMMError(
      'UNSUPPORTED',
      `${kernel}: the webgl kernel needs WebGL 2 (GLSL ES 3.00 integer operations); this context is WebGL ${version}. ` +
        `Use the cpu or wasm backend.`,
      { webglVersion: version }
    );
  }
}
