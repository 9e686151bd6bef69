// A small canvas to draw a digit on. Strokes are drawn at 10× on a 280×280
// canvas, then averaged down to 28×28 grey values in [0, 1], white on black
// like MNIST, with the drawing's centre of mass moved to the middle (as
// MNIST's digits were) so an off-centre digit still reads.
export class DigitPad {
  private readonly ctx: CanvasRenderingContext2D;
  private drawing = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onDigit: (pixels: Float32Array) => void,
  ) {
    this.ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    this.clear();
    const at = (e: PointerEvent) => {
      const r = canvas.getBoundingClientRect();
      return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height] as const;
    };
    canvas.addEventListener("pointerdown", (e) => {
      this.drawing = true;
      canvas.setPointerCapture(e.pointerId);
      this.ctx.beginPath();
      this.ctx.moveTo(...at(e));
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!this.drawing) return;
      this.ctx.lineTo(...at(e));
      this.ctx.stroke();
    });
    canvas.addEventListener("pointerup", () => {
      this.drawing = false;
      this.onDigit(this.pixels());
    });
  }

  clear(): void {
    this.ctx.fillStyle = "#000";
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    Object.assign(this.ctx, { strokeStyle: "#fff", lineWidth: this.canvas.width / 12, lineCap: "round", lineJoin: "round" });
  }

  /** 28×28 values in [0, 1], centred by mass. */
  pixels(): Float32Array {
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const cell = width / 28;
    const grid = new Float32Array(784);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) grid[Math.floor(y / cell) * 28 + Math.floor(x / cell)]! += rgba[(y * width + x) * 4]! / 255 / (cell * cell);
    let mass = 0;
    let cx = 0;
    let cy = 0;
    grid.forEach((v, i) => {
      mass += v;
      cx += v * (i % 28);
      cy += v * Math.floor(i / 28);
    });
    if (mass === 0) return grid;
    const dx = Math.round(13.5 - cx / mass);
    const dy = Math.round(13.5 - cy / mass);
    const out = new Float32Array(784);
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) {
        const sx = x - dx;
        const sy = y - dy;
        if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = Math.min(1, grid[sy * 28 + sx]!);
      }
    return out;
  }
}
