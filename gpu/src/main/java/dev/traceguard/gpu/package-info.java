/**
 * CUDA-facing code: device probing, kernel and stream timing through JCuda. Nothing outside this
 * package imports {@code jcuda}. The module builds and is empty until the GPU features land.
 */
package dev.traceguard.gpu;
