/**
 * The renderer the tests use: napi-canvas in Node; in Chromium, OffscreenCanvas
 * with DejaVuSans.ttf served from the repository's node_modules by Vite.
 */
import { isNode } from '@mobile-mm/core';
import { createRenderer, type Renderer } from '../render.js';

export const FONT_URL = new URL('../../../../node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf', import.meta.url).href;

let shared: Promise<Renderer> | null = null;

export function testRenderer(): Promise<Renderer> {
  shared ??= isNode() ? createRenderer() : createRenderer({ font: FONT_URL });
  return shared;
}
