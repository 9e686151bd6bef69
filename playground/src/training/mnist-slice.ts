// Decodes the MNIST slice the Vite plugin bundles (bytes per pixel, base64).
import type { MnistSlice } from "./data.ts";

export interface EncodedSlice {
  train: number;
  test: number;
  pixels: string;
  labels: string;
}

function bytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function decodeSlice(e: EncodedSlice): MnistSlice {
  const pixels = bytes(e.pixels);
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = pixels[i]! / 255;
  return { images, labels: Int32Array.from(bytes(e.labels)), trainCount: e.train, testCount: e.test };
}
