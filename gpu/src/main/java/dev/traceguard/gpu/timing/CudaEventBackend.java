package dev.traceguard.gpu.timing;

import jcuda.runtime.JCuda;
import jcuda.runtime.cudaEvent_t;
import jcuda.runtime.cudaStream_t;

/**
 * {@link TimingBackend} over CUDA runtime events through JCuda. Use only after {@link
 * dev.traceguard.gpu.GpuProbe} said a device is there, on a thread whose current device is the
 * one being timed.
 */
public final class CudaEventBackend implements TimingBackend<cudaStream_t, cudaEvent_t> {
  private static final int SUCCESS = 0;
  private static final int NOT_READY = 600;

  /** A backend. */
  public CudaEventBackend() {}

  @Override
  public cudaEvent_t create() throws Exception {
    cudaEvent_t e = new cudaEvent_t();
    check("cudaEventCreate", JCuda.cudaEventCreate(e));
    return e;
  }

  @Override
  public void record(cudaEvent_t event, cudaStream_t stream) throws Exception {
    check("cudaEventRecord", JCuda.cudaEventRecord(event, stream));
  }

  @Override
  public boolean done(cudaEvent_t event) throws Exception {
    int rc = JCuda.cudaEventQuery(event);
    if (rc == SUCCESS) {
      return true;
    }
    if (rc == NOT_READY) {
      return false;
    }
    check("cudaEventQuery", rc);
    return false;
  }

  @Override
  public long elapsedNanos(cudaEvent_t start, cudaEvent_t stop) throws Exception {
    float[] ms = new float[1];
    check("cudaEventElapsedTime", JCuda.cudaEventElapsedTime(ms, start, stop));
    return Math.round(ms[0] * 1_000_000.0);
  }

  @Override
  public long elapsedIfDone(cudaEvent_t start, cudaEvent_t stop) throws Exception {
    float[] ms = new float[1];
    int rc = JCuda.cudaEventElapsedTime(ms, start, stop);
    if (rc == NOT_READY) {
      return NOT_DONE;
    }
    check("cudaEventElapsedTime", rc);
    return Math.round(ms[0] * 1_000_000.0);
  }

  @Override
  public void destroy(cudaEvent_t event) {
    JCuda.cudaEventDestroy(event);
  }

  private static void check(String call, int rc) throws Exception {
    if (rc != SUCCESS) {
      throw new IllegalStateException(call + " returned " + rc + " " + JCuda.cudaGetErrorName(rc));
    }
  }
}
