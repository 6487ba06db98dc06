/** Facts about the machine a benchmark ran on (Node). */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { MachineInfo } from './report.js';

export function nodeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    runtime: `Node ${process.version} (${process.platform}/${process.arch})`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    tfjs: tf.version_core,
    date: new Date().toISOString(),
  };
}
