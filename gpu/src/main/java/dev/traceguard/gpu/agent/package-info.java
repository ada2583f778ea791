/**
 * In-process kernel timing for JVMs that launch kernels through JCuda: {@link
 * dev.traceguard.gpu.agent.KernelInterceptor} wraps {@code cuModuleGetFunction} (to name {@code
 * CUfunction}s) and {@code cuLaunchKernel} (an event pair on the launch's own stream), a {@link
 * dev.traceguard.gpu.agent.Harvester} thread collects finished pairs and samples stream state
 * without synchronising anything, and {@link dev.traceguard.gpu.agent.GpuKernelStats} exposes
 * bounded per-kernel and per-stream statistics as an MBean ({@value
 * dev.traceguard.gpu.agent.GpuKernelStats#OBJECT_NAME}). {@link dev.traceguard.gpu.agent.JCudaHooks}
 * has the driver API's launch signatures, so call sites of {@code JCudaDriver} can be pointed at it.
 * Nothing here has a dependency beyond the JDK and JCuda.
 */
package dev.traceguard.gpu.agent;
