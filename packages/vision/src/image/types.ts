/** A decoded image: 8-bit RGBA, row-major, top row first, no padding. */
export interface RgbaImage {
  /** width·height·4 bytes: R, G, B, A per pixel (straight alpha, not premultiplied). */
  data: Uint8ClampedArray;
  width: number;
  height: number;
}
