// The activations the matrix products can apply as they store C, by code:
// shared by both kernel sets and by the compiler, which writes these codes
// into generated calls. A module of its own, so the compiler reads it without
// loading the products.
export const Act = { none: 0, relu: 1, tanh: 2, sigmoid: 3 } as const;
