package dev.traceguard.gpu;

/**
 * GPU memory one process holds, as {@code nvidia-smi --query-compute-apps} lists it.
 *
 * @param pid the process id as the driver sees it: a host pid, which differs from the pid inside
 *     a container's pid namespace
 * @param usedBytes memory used, or -1 when nvidia-smi could not tell ({@code [N/A]})
 */
public record ProcessMemory(long pid, long usedBytes) {}
