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
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import type { PackedLayout, QuantAttrs } from '../kernel-names.js';
import { SUPPORTED_BITS, SUPPORTED_GROUP_SIZES } from '../format.js';

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
  const { bits, groupSize, inDim, outDim, layout } = attrs;
  if (!SUPPORTED_BITS.includes(bits)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${kernel}: bits must be one of ${SUPPORTED_BITS.join(', ')}; got ${bits}.`,
      {
        bits,
      }
    );
  }
  if (!SUPPORTED_GROUP_SIZES.includes(groupSize)) {
    throw new MobileMMError(
      'INVALID_ARGUMENT',
      `${kernel}: groupSize must be one of ${SUPPORTED_GROUP_SIZES.join(', ')}; got ${groupSize}.`,
      { groupSize }
    );
  }
  for (const [field, v] of [
    ['inDim', inDim],
    ['outDim', outDim],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new MobileMMError('INVALID_SHAPE', `${kernel}: ${field} must be a positive integer; got ${v}.`, {
        [field]: v,
      });
    }
  }
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

/** Throws INVALID_SHAPE unless `t` has exactly `shape`. */
export function checkTensorShape(kernel: string, name: string, t: TensorInfo | undefined, shape: number[]): void {
  if (t == null || !tf.util.arraysEqual(t.shape, shape)) {
    throw new MobileMMError(
      'INVALID_SHAPE',
      `${kernel}: ${name} must have shape [${shape}]; got ${t == null ? 'nothing' : `[${t.shape}]`}.`,
      { tensor: name, expected: shape, actual: t?.shape }
    );
  }
}

/** Throws INVALID_DTYPE unless `t` has `dtype`. */
export function checkTensorDtype(kernel: string, name: string, t: TensorInfo, dtype: tf.DataType): void {
  if (t.dtype !== dtype) {
    throw new MobileMMError('INVALID_DTYPE', `${kernel}: ${name} must be ${dtype}; got ${t.dtype}.`, {
      tensor: name,
      dtype: t.dtype,
    });
  }
}
