import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import * as core from '../index.js';
import { CORE_LAYER_CLASSES, registerCoreLayers } from './register.js';

type LayerClass = (new (...args: never[]) => tfl.layers.Layer) & { className: string };

/** Every tfjs-layers Layer subclass the package entry exports. */
const exportedLayers = (Object.entries(core) as [string, unknown][]).filter(
  (e): e is [string, LayerClass] => typeof e[1] === 'function' && e[1].prototype instanceof tfl.layers.Layer,
);

describe('register-layers', () => {
  it('lists every layer class the package exports', () => {
    expect(exportedLayers.length).toBeGreaterThanOrEqual(11);
    const listed = new Set<unknown>(CORE_LAYER_CLASSES);
    expect(exportedLayers.filter(([, cls]) => !listed.has(cls)).map(([name]) => name)).toEqual([]);
    expect(CORE_LAYER_CLASSES.length).toBe(exportedLayers.length);
  });

  it("registers each as 'MobileMM>ClassName' on import, idempotently", () => {
    registerCoreLayers(); // a second time: nothing changes
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const [name, cls] of exportedLayers) {
      expect(map[cls.className]?.[0], name).toBe(cls);
      expect(tf.serialization.getRegisteredName(cls as never), name).toBe(`${core.SERIALIZATION_PACKAGE}>${cls.className}`);
    }
  });
});
