/**
 * WebGL context loss, as a browser reports it: `webglcontextlost` and
 * `webglcontextrestored` on the canvas of the webgl backend (tfjs keeps it at
 * backend.gpgpu.gl.canvas). tfjs itself calls preventDefault() on loss (so
 * the browser may restore the context) and forgets the context, so a webgl
 * backend created after the loss gets a fresh canvas; the old backend, its
 * textures and every tensor on it are gone for good.
 *
 * The watcher turns the events into state and promises: `lost` rejects with
 * CONTEXT_LOST the moment the context goes, so a request raced against it
 * fails at once instead of waiting for a GPU read that never completes; on
 * restore, `rebuildWebGLBackend()` registers a fresh webgl backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MobileMMError } from '@mobile-mm/core';
import { CONTEXT_LOST } from './errors.js';

type Listener = (event: Event) => void;
interface CanvasLike {
  addEventListener(type: string, listener: Listener): void;
  removeEventListener(type: string, listener: Listener): void;
}

/** The canvas of a tfjs webgl backend instance, or null (no backend, not webgl, Node). */
export function webglCanvasOf(backend: unknown): CanvasLike | null {
  const canvas = (backend as { gpgpu?: { gl?: { canvas?: unknown } } } | null)?.gpgpu?.gl?.canvas;
  return canvas && typeof (canvas as CanvasLike).addEventListener === 'function' ? (canvas as CanvasLike) : null;
}

/** The WebGL context of the current webgl backend (for WEBGL_lose_context in tests), or null. */
export function webglContextOf(backend: unknown): WebGLRenderingContext | WebGL2RenderingContext | null {
  return (backend as { gpgpu?: { gl?: WebGLRenderingContext } } | null)?.gpgpu?.gl ?? null;
}

export type ContextState = 'ok' | 'lost' | 'restored';

export class WebGLContextWatcher {
  state: ContextState = 'ok';
  private canvas: CanvasLike | null = null;
  private rejectLost: ((e: Error) => void) | null = null;
  private lostPromise: Promise<never> | null = null;
  private readonly onLostListener: Listener = (ev) => this.handleLost(ev);
  private readonly onRestoredListener: Listener = () => this.handleRestored();

  constructor(private readonly hooks: { onLost?: () => void; onRestored?: () => void } = {}) {}

  /** Starts listening on the current webgl backend's canvas; false when there is none. */
  attach(): boolean {
    this.detach();
    const canvas = webglCanvasOf(tf.findBackend('webgl'));
    if (!canvas) return false;
    this.canvas = canvas;
    this.state = 'ok';
    canvas.addEventListener('webglcontextlost', this.onLostListener);
    canvas.addEventListener('webglcontextrestored', this.onRestoredListener);
    return true;
  }

  detach(): void {
    this.canvas?.removeEventListener('webglcontextlost', this.onLostListener);
    this.canvas?.removeEventListener('webglcontextrestored', this.onRestoredListener);
    this.canvas = null;
  }

  /** Rejects with CONTEXT_LOST when the context is lost (at once if it already is). Never resolves. */
  get lost(): Promise<never> {
    if (!this.lostPromise) {
      this.lostPromise = new Promise<never>((_, reject) => {
        this.rejectLost = reject;
      });
      this.lostPromise.catch(() => undefined); // nobody racing it is not an unhandled rejection
      if (this.state === 'lost') this.rejectLost!(lostError());
    }
    return this.lostPromise;
  }

  private handleLost(ev: Event): void {
    ev.preventDefault(); // tfjs does too; without it the browser never restores
    this.state = 'lost';
    this.rejectLost?.(lostError());
    this.lostPromise = null;
    this.rejectLost = null;
    this.hooks.onLost?.();
  }

  private handleRestored(): void {
    this.state = 'restored';
    this.hooks.onRestored?.();
  }
}

function lostError(): MobileMMError {
  return new MobileMMError(CONTEXT_LOST, 'webgl: the WebGL context was lost during the request.', { backend: 'webgl' });
}

/**
 * Replaces the webgl backend (whose context was lost) with a fresh one of the
 * same class, registered at the same priority. Tensors on the old backend are
 * gone; dispose their owners first.
 */
export function rebuildWebGLBackend(): boolean {
  const old = tf.findBackend('webgl');
  if (!old) return false;
  const Ctor = old.constructor as new () => tf.KernelBackend;
  try {
    tf.removeBackend('webgl');
  } catch {
    // disposing a backend whose context is gone may throw; it is unregistered either way
  }
  return tf.registerBackend('webgl', () => new Ctor(), 2);
}
