/**
 * Nsight Systems exports: the SQLite database of {@code nsys export --type sqlite} and the CSV of
 * {@code nsys stats --format csv} ({@code cuda_gpu_kern_sum}, {@code cuda_gpu_trace}), read into
 * {@link dev.traceguard.analyzers.model.GpuActivityStore}.
 */
package dev.traceguard.analyzers.io.nsys;
