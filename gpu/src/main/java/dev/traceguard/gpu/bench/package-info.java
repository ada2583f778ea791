/**
 * {@code traceguard gpu bench}: a self-check of the timing machinery on the machine at hand. The
 * kernels ship as PTX ({@code kernels.ptx}), loaded with {@code cuModuleLoadData}, so NVRTC
 * (libnvrtc) is not needed.
 */
package dev.traceguard.gpu.bench;
