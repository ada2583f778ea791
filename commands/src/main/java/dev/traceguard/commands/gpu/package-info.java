/**
 * {@code traceguard gpu}: device information and the timing self-check. These commands reach CUDA
 * only through {@code dev.traceguard.gpu}; constructing them touches nothing (help and completion
 * generation stay free of CUDA), and a machine without a driver gets one line and exit code 20.
 */
package dev.traceguard.commands.gpu;
