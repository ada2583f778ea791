/**
 * CUDA-facing code: device probing ({@link dev.traceguard.gpu.GpuProbe}), device and process
 * information, and kernel timing through JCuda. Nothing outside this module imports {@code jcuda};
 * only {@code JCudaRuntime} and the bench touch it, and only after the probe said a driver is there.
 */
package dev.traceguard.gpu;
