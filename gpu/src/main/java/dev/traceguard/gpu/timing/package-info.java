/**
 * Kernel timing with CUDA event pairs, independent of JCuda: {@link
 * dev.traceguard.gpu.timing.LaunchTimer} records a start and a stop event around each launch on
 * the launch's stream and harvests finished pairs later without ever synchronising a stream. The
 * events come from a {@link dev.traceguard.gpu.timing.TimingBackend}: CUDA in the bench and the
 * in-process hooks, a stand-in clock in tests. Memory is bounded: a fixed pool of event pairs and
 * a fixed number of kernels tracked, each with a fixed-size histogram.
 */
package dev.traceguard.gpu.timing;
